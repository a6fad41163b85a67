package org.vtpcm.nova;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * How to reach Keystone and Nova. Read from the {@code nova.*} keys of a properties file ({@link #KEYS}); any other
 * {@code nova.*} key, or a missing or invalid value, fails with a message naming the key. {@link #toString()} never
 * shows the password or secret.
 */
public record NovaSettings(URI authUrl, Credentials credentials, Optional<String> region, Interface endpointInterface, Duration timeout,
        Optional<Path> caFile) {

    public static final String PREFIX = "nova.";
    /** Every key with its default ("" = none) and meaning. */
    public static final Map<String, String[]> KEYS = keys();

    /** Which catalog endpoint of the compute service to use. */
    public enum Interface {
        PUBLIC, INTERNAL, ADMIN;

        public String catalogName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Keystone v3 credentials: a user scoped to a project, or an application credential. */
    public sealed interface Credentials permits Password, ApplicationCredential {
    }

    public record Password(String username, String password, String userDomain, String project, String projectDomain)
            implements Credentials {
        public Password {
            requireNonNull(username, "username is null");
            requireNonNull(password, "password is null");
            requireNonNull(userDomain, "userDomain is null");
            requireNonNull(project, "project is null");
            requireNonNull(projectDomain, "projectDomain is null");
        }

        @Override
        public String toString() {
            return "Password[user=" + username + "@" + userDomain + ", project=" + project + "@" + projectDomain + ", password=***]";
        }
    }

    public record ApplicationCredential(String id, String secret) implements Credentials {
        public ApplicationCredential {
            requireNonNull(id, "id is null");
            requireNonNull(secret, "secret is null");
        }

        @Override
        public String toString() {
            return "ApplicationCredential[id=" + id + ", secret=***]";
        }
    }

    public NovaSettings {
        requireNonNull(authUrl, "authUrl is null");
        requireNonNull(credentials, "credentials is null");
        requireNonNull(region, "region is null");
        requireNonNull(endpointInterface, "endpointInterface is null");
        requireNonNull(timeout, "timeout is null");
        requireNonNull(caFile, "caFile is null");
    }

    private static Map<String, String[]> keys() {
        Map<String, String[]> keys = new LinkedHashMap<>();
        keys.put("nova.auth-url", new String[] {"", "Keystone v3, e.g. http://controller:5000/v3"});
        keys.put("nova.username", new String[] {"", "user (with nova.password, nova.project); or use an application credential"});
        keys.put("nova.password", new String[] {"", "the user's password"});
        keys.put("nova.project", new String[] {"", "project name the token is scoped to"});
        keys.put("nova.user-domain", new String[] {"Default", "the user's domain name"});
        keys.put("nova.project-domain", new String[] {"Default", "the project's domain name"});
        keys.put("nova.application-credential-id", new String[] {"", "instead of user/password/project"});
        keys.put("nova.application-credential-secret", new String[] {"", "the application credential's secret"});
        keys.put("nova.region", new String[] {"", "catalog region of the compute endpoint (empty: the only one)"});
        keys.put("nova.interface", new String[] {"public", "catalog interface: public, internal or admin"});
        keys.put("nova.timeout-seconds", new String[] {"30", "connect and per-request timeout for Keystone and Nova"});
        keys.put("nova.ca-file", new String[] {"", "PEM CA bundle trusted for https (empty: the JDK's)"});
        return Collections.unmodifiableMap(keys);
    }

    /** Whether the properties ask for Nova at all (they set {@code nova.auth-url}). */
    public static boolean configured(Properties properties) {
        return !properties.getProperty("nova.auth-url", "").isBlank();
    }

    public static NovaSettings from(Properties properties) {
        Set<String> unknown = new TreeSet<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith(PREFIX) && !KEYS.containsKey(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new NovaSettingsException("unknown key(s) " + unknown + "; known: " + KEYS.keySet());
        }
        URI authUrl = authUrl(value(properties, "nova.auth-url"));
        Credentials credentials = credentials(properties);
        String region = value(properties, "nova.region");
        Interface endpointInterface;
        try {
            endpointInterface = Interface.valueOf(value(properties, "nova.interface").toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new NovaSettingsException("nova.interface must be public, internal or admin, got '" + value(properties, "nova.interface") + "'");
        }
        Duration timeout = Duration.ofSeconds(number(value(properties, "nova.timeout-seconds"), "nova.timeout-seconds", 1, 3600));
        String ca = value(properties, "nova.ca-file");
        Optional<Path> caFile = Optional.empty();
        if (!ca.isEmpty()) {
            caFile = Optional.of(Path.of(ca));
            if (!Files.isReadable(caFile.get())) {
                throw new NovaSettingsException("nova.ca-file: cannot read " + ca);
            }
            if (!"https".equals(authUrl.getScheme())) {
                throw new NovaSettingsException("nova.ca-file is set but nova.auth-url is not https: " + authUrl);
            }
        }
        return new NovaSettings(authUrl, credentials, region.isEmpty() ? Optional.empty() : Optional.of(region), endpointInterface, timeout,
                caFile);
    }

    private static URI authUrl(String text) {
        if (text.isEmpty()) {
            throw new NovaSettingsException("nova.auth-url is required (Keystone v3, e.g. http://controller:5000/v3)");
        }
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new NovaSettingsException("nova.auth-url is not a URL: " + text);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new NovaSettingsException("nova.auth-url must be http(s)://HOST[:PORT]/v3, got " + text);
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
        if (!path.endsWith("/v3")) {
            throw new NovaSettingsException("nova.auth-url must end in /v3 (Keystone v3), got " + text);
        }
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + path);
    }

    private static Credentials credentials(Properties properties) {
        String username = value(properties, "nova.username");
        String password = value(properties, "nova.password");
        String project = value(properties, "nova.project");
        String appId = value(properties, "nova.application-credential-id");
        String appSecret = value(properties, "nova.application-credential-secret");
        boolean user = !username.isEmpty() || !password.isEmpty() || !project.isEmpty();
        boolean application = !appId.isEmpty() || !appSecret.isEmpty();
        if (user && application) {
            throw new NovaSettingsException("set either nova.username/nova.password/nova.project or "
                    + "nova.application-credential-id/nova.application-credential-secret, not both");
        }
        if (application) {
            if (appId.isEmpty() || appSecret.isEmpty()) {
                throw new NovaSettingsException("nova.application-credential-id and nova.application-credential-secret are both required");
            }
            return new ApplicationCredential(appId, appSecret);
        }
        if (username.isEmpty() || password.isEmpty() || project.isEmpty()) {
            throw new NovaSettingsException("nova.username, nova.password and nova.project are all required "
                    + "(or nova.application-credential-id and nova.application-credential-secret)");
        }
        return new Password(username, password, value(properties, "nova.user-domain"), project, value(properties, "nova.project-domain"));
    }

    private static String value(Properties properties, String key) {
        return properties.getProperty(key, KEYS.get(key)[0]).trim();
    }

    private static long number(String text, String key, long min, long max) {
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new NovaSettingsException(key + " must be a whole number, got '" + text + "'");
        }
        if (value < min || value > max) {
            throw new NovaSettingsException(key + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }
}
