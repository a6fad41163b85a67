package org.vtpcm.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.vtpcm.service.config.ConfigException;

/** enrollment.port: off unless set, never the API's port. */
class EnrollmentConfigTest {
    private static Properties base() {
        Properties properties = new Properties();
        properties.setProperty("api.address", "10.200.0.254");
        properties.setProperty("hosts", "n1");
        properties.setProperty("host.n1.manager", "https://10.0.0.1:9443");
        properties.setProperty("host.n1.libvirt", "qemu+tcp://10.0.0.1/system");
        return properties;
    }

    @Test
    void enrollmentIsOffByDefault() {
        EngineConfig config = EngineConfig.from(base(), Path.of("engine.conf"));
        assertEquals(0, config.enrollmentPort());
        assertEquals(Optional.empty(), config.enrollmentEndpoint());
        assertEquals("0", EngineConfig.ENROLLMENT_PORT.defaultValue());
    }

    @Test
    void theEndpointIsOnTheApisAddress() {
        Properties properties = base();
        properties.setProperty("enrollment.port", "9441");
        assertEquals(Optional.of(URI.create("https://10.200.0.254:9441")), EngineConfig.from(properties, Path.of("e")).enrollmentEndpoint());
        properties.setProperty("api.address", "fd00::1");
        assertEquals(Optional.of(URI.create("https://[fd00::1]:9441")), EngineConfig.from(properties, Path.of("e")).enrollmentEndpoint());
    }

    @Test
    void badPortsAreNamed() {
        for (String port : new String[] {"9440", "70000", "-1", "x"}) {
            Properties properties = base();
            properties.setProperty("enrollment.port", port);
            assertTrue(assertThrows(ConfigException.class, () -> EngineConfig.from(properties, Path.of("e"))).getMessage()
                    .contains("enrollment.port"), port);
        }
    }
}
