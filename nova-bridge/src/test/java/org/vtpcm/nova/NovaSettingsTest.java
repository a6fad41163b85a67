package org.vtpcm.nova;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.vtpcm.service.config.ConfigException;

class NovaSettingsTest {
    private static Properties password() {
        Properties properties = new Properties();
        properties.setProperty("nova.auth-url", "http://10.200.0.1:5000/v3/");
        properties.setProperty("nova.username", "vtpcm");
        properties.setProperty("nova.password", "pw-never-shown");
        properties.setProperty("nova.project", "admin");
        return properties;
    }

    @Test
    void passwordSettingsWithDefaults() {
        NovaSettings settings = NovaSettings.from(password());

        assertEquals(URI.create("http://10.200.0.1:5000/v3"), settings.authUrl());
        assertEquals(new NovaSettings.Password("vtpcm", "pw-never-shown", "Default", "admin", "Default"), settings.credentials());
        assertEquals(NovaSettings.Interface.PUBLIC, settings.endpointInterface());
        assertEquals(Duration.ofSeconds(30), settings.timeout());
        assertEquals(Optional.empty(), settings.region());
        assertFalse(settings.toString().contains("pw-never-shown"), settings.toString());
    }

    @Test
    void applicationCredentialSettings() {
        Properties properties = new Properties();
        properties.setProperty("nova.auth-url", "https://keystone.example:5000/v3");
        properties.setProperty("nova.application-credential-id", "id-1");
        properties.setProperty("nova.application-credential-secret", "secret-never-shown");
        properties.setProperty("nova.interface", "internal");
        properties.setProperty("nova.region", "RegionOne");
        properties.setProperty("engine.other", "ignored: not a nova key");

        NovaSettings settings = NovaSettings.from(properties);

        assertEquals(new NovaSettings.ApplicationCredential("id-1", "secret-never-shown"), settings.credentials());
        assertEquals(NovaSettings.Interface.INTERNAL, settings.endpointInterface());
        assertEquals(Optional.of("RegionOne"), settings.region());
        assertFalse(settings.toString().contains("secret-never-shown"), settings.toString());
    }

    @Test
    void bothKindsOfCredentialsAreRefused() {
        Properties properties = password();
        properties.setProperty("nova.application-credential-id", "id-1");

        assertTrue(assertThrows(ConfigException.class, () -> NovaSettings.from(properties)).getMessage().contains("not both"));
    }

    @Test
    void missingPasswordIsNamed() {
        Properties properties = password();
        properties.remove("nova.password");

        assertTrue(assertThrows(ConfigException.class, () -> NovaSettings.from(properties)).getMessage().contains("nova.password"));
    }

    @Test
    void missingAuthUrlIsNamed() {
        Properties properties = password();
        properties.remove("nova.auth-url");

        assertTrue(assertThrows(ConfigException.class, () -> NovaSettings.from(properties)).getMessage().contains("nova.auth-url"));
    }

    @Test
    void keystoneV2UrlIsRefused() {
        Properties properties = password();
        properties.setProperty("nova.auth-url", "http://10.200.0.1:5000/v2.0");

        assertTrue(assertThrows(ConfigException.class, () -> NovaSettings.from(properties)).getMessage().contains("/v3"));
    }

    @Test
    void unknownNovaKeyIsNamed() {
        Properties properties = password();
        properties.setProperty("nova.pasword", "typo");

        assertTrue(assertThrows(ConfigException.class, () -> NovaSettings.from(properties)).getMessage().contains("nova.pasword"));
    }

    @Test
    void badInterfaceAndTimeoutAreNamed() {
        Properties badInterface = password();
        badInterface.setProperty("nova.interface", "private");
        Properties badTimeout = password();
        badTimeout.setProperty("nova.timeout-seconds", "0");

        assertTrue(assertThrows(ConfigException.class, () -> NovaSettings.from(badInterface)).getMessage().contains("nova.interface"));
        assertTrue(assertThrows(ConfigException.class, () -> NovaSettings.from(badTimeout)).getMessage().contains("nova.timeout-seconds"));
    }

    @Test
    void configuredOnlyWithAnAuthUrl() {
        assertTrue(NovaSettings.configured(password()));
        assertFalse(NovaSettings.configured(new Properties()));
    }
}
