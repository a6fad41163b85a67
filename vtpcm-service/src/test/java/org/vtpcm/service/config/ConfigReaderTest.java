package org.vtpcm.service.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReaderTest {
    private static final ConfigKey<Integer> PORT = ConfigKey.integer("api.port", "9443", 1, 65535, "port of the REST API");
    private static final ConfigKey<Boolean> PLAINTEXT = ConfigKey.bool("migration.allow-plaintext", "false", "allow plaintext");
    private static final ConfigKey<Path> STATE = ConfigKey.absolutePath("state.dir", "/var/lib/x", "state");
    private static final ConfigKey<Duration> TIMEOUT = ConfigKey.seconds("timeout-seconds", "30", 1, 3600, "timeout");
    private static final ConfigKeys KEYS = ConfigKeys.of(PORT, PLAINTEXT, STATE, TIMEOUT);

    private enum Kind { EMULATED, DEVICE }

    private static ConfigReader reader(String... keyValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return ConfigReader.of(properties, Path.of("/etc/x.conf"));
    }

    @Test
    void aKeyLeftOutGetsItsDefaultAndValuesAreTrimmed() {
        ConfigReader reader = reader("api.port", " 8443 ");
        assertEquals(8443, reader.get(PORT));
        assertEquals(false, reader.get(PLAINTEXT));
        assertEquals(Path.of("/var/lib/x"), reader.get(STATE));
        assertEquals(Duration.ofSeconds(30), reader.get(TIMEOUT));
        assertTrue(reader.isSet("api.port"));
        assertFalse(reader.isSet("state.dir"));
    }

    @Test
    void aBadValueNamesTheFileTheKeyAndWhatIsAllowed() {
        assertEquals("/etc/x.conf: api.port must be 1..65535, got 70000",
                assertThrows(ConfigException.class, () -> reader("api.port", "70000").get(PORT)).getMessage());
        assertEquals("/etc/x.conf: api.port must be a number, got 'x'",
                assertThrows(ConfigException.class, () -> reader("api.port", "x").get(PORT)).getMessage());
        for (String bad : new String[] {"yes", "1", "TRUE", ""}) {
            assertTrue(assertThrows(ConfigException.class, () -> reader("migration.allow-plaintext", bad).get(PLAINTEXT)).getMessage()
                    .contains("migration.allow-plaintext must be true or false"), bad);
        }
        assertTrue(assertThrows(ConfigException.class, () -> reader("state.dir", "relative").get(STATE)).getMessage()
                .contains("state.dir must be an absolute path"));
    }

    @Test
    void requiredChoicesMatchingAndMappedKeys() {
        ConfigKey<String> required = ConfigKey.required("host.manager", "", "the manager");
        assertEquals("/etc/x.conf: host.manager is required", assertThrows(ConfigException.class, () -> reader().get(required)).getMessage());
        ConfigKey<Kind> kind = ConfigKey.choice("platform.tpm", "emulated", "root of trust", Kind.class);
        assertEquals(Kind.DEVICE, reader("platform.tpm", "device").get(kind));
        assertTrue(assertThrows(ConfigException.class, () -> reader("platform.tpm", "magic").get(kind)).getMessage()
                .contains("platform.tpm must be emulated or device, got 'magic'"));
        ConfigKey<String> name = ConfigKey.matching("node.name", "", "name", java.util.regex.Pattern.compile("[a-z]+"), "a name");
        assertTrue(assertThrows(ConfigException.class, () -> reader("node.name", "a b").get(name)).getMessage().contains("node.name"));
        ConfigKey<Integer> even = PORT.map(port -> {
            if (port % 2 != 0) {
                throw new IllegalArgumentException("must be even");
            }
            return port;
        });
        assertEquals("/etc/x.conf: api.port must be even", assertThrows(ConfigException.class, () -> reader("api.port", "9441")
                .get(even)).getMessage());
        assertEquals(2, reader("host.n1.max", "2").get(ConfigKey.integer("max", "1", 1, 9, "most").named("host.n1.max")));
    }

    @Test
    void unknownKeysAreRefusedByName() {
        ConfigException e = assertThrows(ConfigException.class, () -> reader("api.prot", "1", "api.port", "1").refuseUnknown(KEYS));
        assertTrue(e.getMessage().startsWith("/etc/x.conf: unknown key(s) [api.prot]; known keys: [api.port, "), e.getMessage());
        reader("api.port", "1").refuseUnknown(KEYS);
        reader("nova.x", "1").only(name -> !name.startsWith("nova.")).refuseUnknown(KEYS);
    }

    @Test
    void aFileIsReadAndAMissingOneIsNamed(@TempDir Path folder) throws IOException {
        Path file = folder.resolve("x.conf");
        Files.writeString(file, "# comment\napi.port = 8443\n");
        assertEquals(8443, ConfigReader.load(file).get(PORT));
        assertTrue(assertThrows(ConfigException.class, () -> ConfigReader.load(folder.resolve("none.conf"))).getMessage()
                .contains("none.conf"));
    }

    @Test
    void theKeysDescribeThemselvesAsAConfigFileOfTheDefaults(@TempDir Path folder) throws IOException {
        String text = KEYS.describe();
        assertTrue(text.startsWith("# port of the REST API\napi.port = 9443\n\n"), text);
        Path file = folder.resolve("defaults.conf");
        Files.writeString(file, text);
        ConfigReader defaults = ConfigReader.load(file);
        defaults.refuseUnknown(KEYS);
        assertEquals(9443, defaults.get(PORT));
        assertTrue(ConfigKeys.of(PORT).describe("host.<name>.").contains("host.<name>.api.port = 9443"));
        assertThrows(IllegalArgumentException.class, () -> ConfigKeys.of(PORT, PORT));
    }
}
