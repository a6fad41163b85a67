package org.vtpcm.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.vtpcm.service.config.ConfigException;

class EngineConfigTest {
    private static Properties base() {
        Properties properties = new Properties();
        properties.setProperty("hosts", "n1,n2");
        properties.setProperty("host.n1.manager", "https://10.0.0.1:9443");
        properties.setProperty("host.n1.libvirt", "qemu+tcp://10.0.0.1/system");
        properties.setProperty("host.n2.manager", "https://10.0.0.2:9443");
        properties.setProperty("host.n2.libvirt", "qemu+tcp://10.0.0.2/system");
        properties.setProperty("host.n2.max-migrations", "3");
        return properties;
    }

    @Test
    void hostsAreReadWithTheirDefaults() {
        EngineConfig config = EngineConfig.from(base(), Path.of("engine.conf"));
        assertEquals(2, config.hosts().size());
        assertEquals(2, config.hosts().get(0).maxMigrations());
        assertEquals(3, config.hosts().get(1).maxMigrations());
        assertEquals(Path.of("/var/lib/vtpcm-engine/ca"), config.caDirectory());
    }

    @Test
    void unknownKeysAndHostsNotListedAreRefused() {
        Properties typo = base();
        typo.setProperty("api.prot", "1");
        assertTrue(assertThrows(ConfigException.class, () -> EngineConfig.from(typo, Path.of("e"))).getMessage().contains("api.prot"));
        Properties stray = base();
        stray.setProperty("host.n3.manager", "https://10.0.0.3:9443");
        assertTrue(assertThrows(ConfigException.class, () -> EngineConfig.from(stray, Path.of("e"))).getMessage().contains("host.n3"));
    }

    @Test
    void badValuesAreNamed() {
        Properties plain = base();
        plain.setProperty("host.n1.manager", "http://10.0.0.1:9443");
        assertTrue(assertThrows(ConfigException.class, () -> EngineConfig.from(plain, Path.of("e"))).getMessage().contains("https"));
        Properties missing = base();
        missing.remove("host.n2.libvirt");
        assertTrue(assertThrows(ConfigException.class, () -> EngineConfig.from(missing, Path.of("e"))).getMessage()
                .contains("host.n2.libvirt"));
        Properties port = base();
        port.setProperty("api.port", "70000");
        assertTrue(assertThrows(ConfigException.class, () -> EngineConfig.from(port, Path.of("e"))).getMessage().contains("api.port"));
        Properties twice = base();
        twice.setProperty("hosts", "n1,n1");
        assertThrows(ConfigException.class, () -> EngineConfig.from(twice, Path.of("e")));
    }

    @Test
    void hostsHaveAClassWhoseRequiredPcrsDefaultToWhatTheManagerMeasures() {
        Properties classes = base();
        classes.setProperty("host.n2.class", "gpu");
        classes.setProperty("attestation.class.gpu.pcrs", "11, 12,13,14");
        EngineConfig config = EngineConfig.from(classes, Path.of("e"));
        assertEquals("compute", config.hosts().get(0).hostClass());
        assertEquals(java.util.List.of(11, 12, 13), java.util.List.copyOf(config.hosts().get(0).requiredPcrs()));
        assertEquals(HostConfig.DEFAULT_REQUIRED_PCRS, config.hosts().get(0).requiredPcrs(), "the default is what the manager measures");
        assertEquals("gpu", config.hosts().get(1).hostClass());
        assertEquals(java.util.List.of(11, 12, 13, 14), java.util.List.copyOf(config.hosts().get(1).requiredPcrs()));
        Properties everywhere = base();
        everywhere.setProperty("attestation.pcrs", "12");
        assertEquals(java.util.Set.of(12), EngineConfig.from(everywhere, Path.of("e")).hosts().get(1).requiredPcrs());
    }

    @Test
    void badPcrSetsAndUnusedClassesAreRefused() {
        for (String pcrs : new String[] {"", "24", "11,11", "-1", "eleven"}) {
            Properties bad = base();
            bad.setProperty("attestation.pcrs", pcrs);
            assertTrue(assertThrows(ConfigException.class, () -> EngineConfig.from(bad, Path.of("e"))).getMessage().contains("attestation.pcrs"),
                    pcrs);
        }
        Properties typo = base();
        typo.setProperty("attestation.class.comptue.pcrs", "11");
        assertTrue(assertThrows(ConfigException.class, () -> EngineConfig.from(typo, Path.of("e"))).getMessage().contains("comptue"));
        Properties badClass = base();
        badClass.setProperty("host.n1.class", "a b");
        assertTrue(assertThrows(ConfigException.class, () -> EngineConfig.from(badClass, Path.of("e"))).getMessage().contains("host.n1.class"));
    }

    @Test
    void theTrustSettingsHaveSafeDefaultsAndAreChecked() {
        EngineConfig config = EngineConfig.from(base(), Path.of("e"));
        assertEquals(EngineConfig.TrustSettings.defaults(), config.trust());
        assertEquals(false, config.trust().allowPlaintext());
        Properties set = base();
        set.setProperty("migration.allow-plaintext", "true");
        set.setProperty("nova.run-timeout-seconds", "120");
        set.setProperty("attestation.freshness-seconds", "30");
        set.setProperty("attestation.host-timeout-seconds", "5");
        EngineConfig.TrustSettings trust = EngineConfig.from(set, Path.of("e")).trust();
        assertEquals(new EngineConfig.TrustSettings(true, java.time.Duration.ofSeconds(120), java.time.Duration.ofSeconds(30),
                java.time.Duration.ofSeconds(5)), trust);
        assertTrue(EngineConfig.from(set, Path.of("e")).nova().isEmpty(), "the engine's nova.* key does not configure a Nova");
        Properties yes = base();
        yes.setProperty("migration.allow-plaintext", "yes");
        assertTrue(assertThrows(ConfigException.class, () -> EngineConfig.from(yes, Path.of("e"))).getMessage()
                .contains("migration.allow-plaintext"));
        Properties zero = base();
        zero.setProperty("attestation.host-timeout-seconds", "0");
        assertTrue(assertThrows(ConfigException.class, () -> EngineConfig.from(zero, Path.of("e"))).getMessage()
                .contains("attestation.host-timeout-seconds"));
    }
}
