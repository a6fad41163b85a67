package org.vtpcm.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.vtpcm.service.config.ConfigException;

/** enrollment.certificate-days: 30 by default, 1..365. */
class CertificateConfigTest {
    private static Properties base() {
        Properties properties = new Properties();
        properties.setProperty("hosts", "n1");
        properties.setProperty("host.n1.manager", "https://10.0.0.1:9443");
        properties.setProperty("host.n1.libvirt", "qemu+tcp://10.0.0.1/system");
        return properties;
    }

    @Test
    void nodeCertificatesLastThirtyDaysUnlessConfigured() {
        assertEquals(Duration.ofDays(30), EngineConfig.from(base(), Path.of("e")).nodeCertificateLifetime());
        Properties properties = base();
        properties.setProperty("enrollment.certificate-days", "7");
        assertEquals(Duration.ofDays(7), EngineConfig.from(properties, Path.of("e")).nodeCertificateLifetime());
    }

    @Test
    void badLifetimesAreNamed() {
        for (String days : new String[] {"0", "366", "-3", "a month"}) {
            Properties properties = base();
            properties.setProperty("enrollment.certificate-days", days);
            assertTrue(assertThrows(ConfigException.class, () -> EngineConfig.from(properties, Path.of("e"))).getMessage()
                    .contains("enrollment.certificate-days"), days);
        }
    }
}
