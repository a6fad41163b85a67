package org.vtpcm.manager.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.vtpcm.service.config.ConfigException;
import org.vtpcm.protocol.crypto.SuiteName;

class ManagerConfigTest {
    private static ManagerConfig config(String... keyValues) {
        Properties properties = new Properties();
        properties.setProperty("node.name", "n1");
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return ManagerConfig.from(properties, Path.of("/etc/vtpcm/manager.conf"));
    }

    @Test
    void defaultsAreDocumentedAndSane() {
        ManagerConfig config = config();
        assertEquals(SuiteName.SM, config.suite());
        assertEquals(9443, config.apiPort());
        assertEquals(Path.of("/var/lib/vtpcm-manager/tls"), config.tlsDirectory());
        assertEquals(Path.of("/var/lib/vtpcm-manager/tls/qemu"), config.qemuTlsDirectory());
        assertEquals(ManagerConfig.PlatformTpmKind.EMULATED, config.platformTpm());
        assertEquals("deny", config.defaultPolicy());
        assertEquals(3, config.measuredBinaries().size());
        assertEquals(false, config.allowPlaintextMigration(), "a VM migration without TLS is refused unless asked for");
        for (org.vtpcm.service.config.ConfigKey<?> key : ManagerConfig.KEYS.list()) {
            assertTrue(!key.help().isBlank(), "every key is documented");
        }
    }

    @Test
    void plaintextMigrationIsAllowedOnlyByAnExplicitTrue() {
        assertEquals(true, config("migration.allow-plaintext", "true").allowPlaintextMigration());
        assertEquals(false, config("migration.allow-plaintext", "false").allowPlaintextMigration());
        for (String bad : new String[] {"yes", "1", "TRUE", ""}) {
            assertThrows(ConfigException.class, () -> config("migration.allow-plaintext", bad), bad);
        }
        assertThrows(ConfigException.class, () -> config("migration.allow-plain-text", "true"), "unknown keys are still refused");
    }

    @Test
    void theShippedExampleConfigIsValidAndComplete() {
        Path example = Path.of("..", "devstack", "systemd", "manager.conf.example");
        ManagerConfig config = ManagerConfig.load(example);
        assertEquals(SuiteName.SM, config.suite());
        try {
            String text = java.nio.file.Files.readString(example);
            for (String key : ManagerConfig.KEYS.names()) {
                assertTrue(text.contains(key + " ="), "the example documents " + key);
            }
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void qemusTlsFolderFollowsTheStateFolderUnlessSet() {
        assertEquals(Path.of("/srv/vtpcm/tls/qemu"), config("state.dir", "/srv/vtpcm").qemuTlsDirectory());
        assertEquals(Path.of("/etc/pki/qemu"), config("qemu.tls.dir", "/etc/pki/qemu").qemuTlsDirectory());
        assertTrue(assertThrows(ConfigException.class, () -> config("qemu.tls.dir", "pki/qemu")).getMessage().contains("qemu.tls.dir"));
    }

    @Test
    void theLargestIncomingBundleDefaultsTo64MibAndMustBePositive() {
        assertEquals(64L * 1024 * 1024, config().maxBundleBytes());
        assertEquals(1000, config("migration.max-bundle-bytes", "1000").maxBundleBytes());
        assertTrue(assertThrows(ConfigException.class, () -> config("migration.max-bundle-bytes", "0")).getMessage()
                .contains("migration.max-bundle-bytes"));
    }

    @Test
    void theNistSuiteCanBeChosen() {
        assertEquals(SuiteName.NIST, config("crypto.suite", "nist").suite());
    }

    @Test
    void unknownKeysAndBadValuesFailWithTheKeyNamed() {
        assertTrue(assertThrows(ConfigException.class, () -> config("api.prot", "1")).getMessage().contains("api.prot"));
        assertTrue(assertThrows(ConfigException.class, () -> config("api.port", "70000")).getMessage().contains("api.port"));
        assertTrue(assertThrows(ConfigException.class, () -> config("api.port", "x")).getMessage().contains("api.port"));
        assertTrue(assertThrows(ConfigException.class, () -> config("crypto.suite", "rot13")).getMessage().contains("crypto.suite"));
        assertTrue(assertThrows(ConfigException.class, () -> config("state.dir", "relative")).getMessage().contains("state.dir"));
        assertTrue(assertThrows(ConfigException.class, () -> config("platform.tpm", "magic")).getMessage().contains("platform.tpm"));
        assertTrue(assertThrows(ConfigException.class, () -> config("policy.default", "maybe")).getMessage().contains("policy.default"));
        assertTrue(assertThrows(ConfigException.class, () -> config("node.name", "bad name")).getMessage().contains("node.name"));
    }

    @Test
    void thePlatformTpmKeyLivesOutsideItsStateByDefaultAndMayNotBePutInIt() {
        assertEquals(Path.of("/var/lib/vtpcm-manager/keys/platform-tpm.key"), config().platformTpmKeyFile());
        assertEquals(Path.of("/srv/s/keys/platform-tpm.key"), config("state.dir", "/srv/s").platformTpmKeyFile());
        assertEquals(Path.of("/etc/vtpcm/keys/platform-tpm.key"), config("platform.tpm.key-file", "/etc/vtpcm/keys/platform-tpm.key")
                .platformTpmKeyFile());
        assertTrue(assertThrows(ConfigException.class, () -> config("platform.tpm.key-file", "/var/lib/vtpcm-manager/platform-tpm/key"))
                .getMessage().contains("outside the platform TPM's state directory"));
        assertTrue(assertThrows(ConfigException.class, () -> config("platform.tpm.key-file", "relative.key")).getMessage()
                .contains("platform.tpm.key-file"));
    }
}
