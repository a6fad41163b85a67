package org.vtpcm.nova;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import org.vtpcm.service.config.ConfigKey;
import org.vtpcm.service.config.ConfigKeys;
import org.vtpcm.service.config.ConfigReader;

/**
 * How to reach Keystone and Nova. Read from the {@code nova.*} keys of a properties file ({@link #KEYS}); any other
 * {@code nova.*} key, or a missing or invalid value, fails with a {@link org.vtpcm.service.config.ConfigException} naming
 * the key. {@link #toString()} never
 * shows the password or secret.
 */
public record NovaSettings(URI authUrl, Credentials credentials, Optional<String> region, Interface endpointInterface, Duration timeout,
        Optional<Path> caFile) {

    public static final String PREFIX = "nova.";

    private static final ConfigKey<URI> AUTH_URL = new ConfigKey<>("nova.auth-url", "", "Keystone v3, e.g. http://controller:5000/v3",
            NovaSettings::authUrl);
    private static final ConfigKey<String> USERNAME = ConfigKey.text("nova.username", "",
            "user (with nova.password, nova.project); or use an application credential");
    private static final ConfigKey<String> PASSWORD = ConfigKey.text("nova.password", "", "the user's password");
    private static final ConfigKey<String> PROJECT = ConfigKey.text("nova.project", "", "project name the token is scoped to");
    private static final ConfigKey<String> USER_DOMAIN = ConfigKey.text("nova.user-domain", "Default", "the user's domain name");
    private static final ConfigKey<String> PROJECT_DOMAIN = ConfigKey.text("nova.project-domain", "Default", "the project's domain name");
    private static final ConfigKey<String> APPLICATION_ID = ConfigKey.text("nova.application-credential-id", "",
            "instead of user/password/project");
    private static final ConfigKey<String> APPLICATION_SECRET = ConfigKey.text("nova.application-credential-secret", "",
            "the application credential's secret");
    private static final ConfigKey<String> REGION = ConfigKey.text("nova.region", "",
            "catalog region of the compute endpoint (empty: the only one)");
    private static final ConfigKey<Interface> INTERFACE = ConfigKey.parsed("nova.interface", "public",
            "catalog interface: public, internal or admin", text -> Interface.valueOf(text.toUpperCase(Locale.ROOT)),
            "public, internal or admin");
    private static final ConfigKey<Duration> TIMEOUT = ConfigKey.seconds("nova.timeout-seconds", "30", 1, 3600,
            "connect and per-request timeout for Keystone and Nova");
    private static final ConfigKey<Optional<Path>> CA_FILE = new ConfigKey<>("nova.ca-file", "",
            "PEM CA bundle trusted for https (empty: the JDK's)", NovaSettings::caFile);
    /** Every key with its default ("" = none) and meaning. */
    public static final ConfigKeys KEYS = ConfigKeys.of(AUTH_URL, USERNAME, PASSWORD, PROJECT, USER_DOMAIN, PROJECT_DOMAIN,
            APPLICATION_ID, APPLICATION_SECRET, REGION, INTERFACE, TIMEOUT, CA_FILE);

    /** Which catalog endpoint of the compute service to use. */
    public enum Interface {
        PUBLIC, INTERNAL, ADMIN;

        public String catalogName() {
            return name().toLowerCase(Locale.ROOT);
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

    /** Whether the properties ask for Nova at all (they set {@code nova.auth-url}). */
    public static boolean configured(Properties properties) {
        return !properties.getProperty(AUTH_URL.name(), "").isBlank();
    }

    /** Whether the configuration asks for Nova at all (it sets {@code nova.auth-url}). */
    public static boolean configured(ConfigReader config) {
        return !config.text(AUTH_URL).isEmpty();
    }

    /** Reads the {@code nova.*} keys of these properties; other keys are left alone. */
    public static NovaSettings from(Properties properties) {
        return from(ConfigReader.of(properties, "Nova settings"));
    }

    /** Reads the {@code nova.*} keys of a configuration; other keys are left alone (they are its owner's). */
    public static NovaSettings from(ConfigReader config) {
        config.refuseUnknown(name -> !name.startsWith(PREFIX) || KEYS.contains(name), KEYS.names().toString());
        URI authUrl = config.get(AUTH_URL);
        Credentials credentials = credentials(config);
        String region = config.get(REGION);
        Interface endpointInterface = config.get(INTERFACE);
        Duration timeout = config.get(TIMEOUT);
        Optional<Path> caFile = config.get(CA_FILE);
        if (caFile.isPresent() && !"https".equals(authUrl.getScheme())) {
            throw config.problem("nova.ca-file is set but nova.auth-url is not https: " + authUrl);
        }
        return new NovaSettings(authUrl, credentials, region.isEmpty() ? Optional.empty() : Optional.of(region), endpointInterface, timeout,
                caFile);
    }

    private static URI authUrl(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("is required (Keystone v3, e.g. http://controller:5000/v3)");
        }
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not a URL: " + text);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("must be http(s)://HOST[:PORT]/v3, got " + text);
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
        if (!path.endsWith("/v3")) {
            throw new IllegalArgumentException("must end in /v3 (Keystone v3), got " + text);
        }
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + path);
    }

    private static Optional<Path> caFile(String text) {
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (!Files.isReadable(Path.of(text))) {
            throw new IllegalArgumentException("cannot be read: " + text);
        }
        return Optional.of(Path.of(text));
    }

    private static Credentials credentials(ConfigReader config) {
        String username = config.get(USERNAME);
        String password = config.get(PASSWORD);
        String project = config.get(PROJECT);
        String appId = config.get(APPLICATION_ID);
        String appSecret = config.get(APPLICATION_SECRET);
        boolean user = !username.isEmpty() || !password.isEmpty() || !project.isEmpty();
        boolean application = !appId.isEmpty() || !appSecret.isEmpty();
        if (user && application) {
            throw config.problem("set either nova.username/nova.password/nova.project or "
                    + "nova.application-credential-id/nova.application-credential-secret, not both");
        }
        if (application) {
            if (appId.isEmpty() || appSecret.isEmpty()) {
                throw config.problem("nova.application-credential-id and nova.application-credential-secret are both required");
            }
            return new ApplicationCredential(appId, appSecret);
        }
        if (username.isEmpty() || password.isEmpty() || project.isEmpty()) {
            throw config.problem("nova.username, nova.password and nova.project are all required "
                    + "(or nova.application-credential-id and nova.application-credential-secret)");
        }
        return new Password(username, password, config.get(USER_DOMAIN), project, config.get(PROJECT_DOMAIN));
    }
}
