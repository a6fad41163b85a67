package org.vtpcm.engine.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vtpcm.nova.NovaSettings;
import org.vtpcm.nova.NovaSettingsException;
import org.vtpcm.protocol.crypto.SuiteName;

/**
 * The engine's configuration: a properties file whose keys are those of {@link #DEFAULTS} plus, per
 * host listed in {@code hosts}, the keys of {@link #HOST_KEYS} as {@code host.<name>.<key>}. An
 * unknown key or an invalid value fails start-up with a message naming it.
 */
public record EngineConfig(Path file, String apiAddress, int apiPort, long apiMaxBodyBytes, Path stateDirectory, Path caDirectory,
        SuiteName suite, List<HostConfig> hosts, int maxConcurrentMigrations, Duration pollInterval, Duration vmMigrationTimeout,
        Duration destinationLossTolerance, Optional<NovaSettings> nova, int enrollmentPort, Duration nodeCertificateLifetime) {

    public static final Map<String, String[]> DEFAULTS = defaults();
    public static final Map<String, String[]> HOST_KEYS = hostKeys();
    private static final Pattern HOST_KEY = Pattern.compile("host\\.([A-Za-z0-9][A-Za-z0-9.-]{0,62})\\.([a-z-]+)");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,62}");

    public EngineConfig {
        requireNonNull(file, "file is null");
        hosts = List.copyOf(hosts);
    }

    private static Map<String, String[]> defaults() {
        Map<String, String[]> keys = new LinkedHashMap<>();
        keys.put("api.address", new String[] {"127.0.0.1", "address the REST API listens on (mutual TLS only)"});
        keys.put("api.port", new String[] {"9440", "port of the REST API"});
        keys.put("api.max-body-bytes", new String[] {"1048576", "largest request body accepted; larger ones get 413"});
        keys.put("enrollment.port", new String[] {"0", "port on api.address of the node enrollment endpoint: TLS without client "
            + "certificates, serving only the enrollment exchange (one-time tokens from POST /v1/enrollment-tokens); 0 disables it"});
        keys.put("state.dir", new String[] {"/var/lib/vtpcm-engine", "journal database, receipt key, the engine's TLS identity"});
        keys.put("ca.dir", new String[] {"", "the cloud CA the engine hosts (created on first start; default <state.dir>/ca)"});
        keys.put("crypto.suite", new String[] {"sm", "suite of receipts and the one nodes must use: sm or nist"});
        keys.put("hosts", new String[] {"", "names of the compute nodes, comma separated; each needs host.<name>.manager and .libvirt"});
        keys.put("migrations.max-concurrent", new String[] {"4", "migrations running at once across the cloud (more wait)"});
        keys.put("migrations.poll-millis", new String[] {"100", "how often the VM migration's progress is read"});
        keys.put("migrations.vm-timeout-seconds", new String[] {"900", "a VM migration still running after this is aborted"});
        keys.put("migrations.destination-loss-seconds", new String[] {"3",
            "before the switchover, a destination manager unreachable this long aborts the migration"});
        // certificates and revocation
        keys.put("enrollment.certificate-days", new String[] {"30", "how long the certificates a node receives when it enrolls last "
            + "(node-manager, node-qemu, AK), 1..365; a node renews them by enrolling again with a fresh token, which revokes the "
            + "previous ones"});
        return Collections.unmodifiableMap(keys);
    }

    private static Map<String, String[]> hostKeys() {
        Map<String, String[]> keys = new LinkedHashMap<>();
        keys.put("manager", new String[] {"", "the node manager's API, https://ADDRESS:PORT"});
        keys.put("libvirt", new String[] {"", "the node's libvirtd as peers reach it, e.g. qemu+tcp://ADDRESS/system"});
        keys.put("max-migrations", new String[] {"2", "migrations at once involving this node"});
        keys.put("max-vtpcms", new String[] {"64", "vTPCMs this node may hold"});
        return Collections.unmodifiableMap(keys);
    }

    public static EngineConfig load(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read config " + file + ": " + e.getMessage());
        }
        return from(properties, file);
    }

    public static EngineConfig from(Properties properties, Path file) {
        Values values = new Values(properties, file);
        List<String> names = new ArrayList<>();
        for (String name : values.text("hosts").split(",")) {
            String trimmed = name.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (!NAME.matcher(trimmed).matches() || names.contains(trimmed)) {
                throw new ConfigException(file + ": hosts: invalid or repeated host name '" + trimmed + "'");
            }
            names.add(trimmed);
        }
        Set<String> unknown = new TreeSet<>();
        for (String key : properties.stringPropertyNames()) {
            Matcher matcher = HOST_KEY.matcher(key);
            boolean known = DEFAULTS.containsKey(key) || key.startsWith(NovaSettings.PREFIX)
                    || matcher.matches() && names.contains(matcher.group(1)) && HOST_KEYS.containsKey(matcher.group(2));
            if (!known) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException(file + ": unknown key(s) " + unknown + "; known keys: " + DEFAULTS.keySet()
                    + " and host.<name>." + HOST_KEYS.keySet() + " for each name in hosts");
        }
        List<HostConfig> hosts = new ArrayList<>();
        for (String name : names) {
            hosts.add(host(values, name));
        }
        Path state = values.path("state.dir");
        String ca = values.text("ca.dir");
        SuiteName suite;
        try {
            suite = SuiteName.parse(values.text("crypto.suite"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file + ": crypto.suite: " + e.getMessage());
        }
        Optional<NovaSettings> nova;
        try {
            nova = NovaSettings.configured(properties) ? Optional.of(NovaSettings.from(properties)) : Optional.empty();
        } catch (NovaSettingsException e) {
            throw new ConfigException(file + ": " + e.getMessage());
        }
        return new EngineConfig(file, values.text("api.address"), (int) values.number("api.port", 1, 65535),
                values.number("api.max-body-bytes", 1024, 64L << 20), state, ca.isEmpty() ? state.resolve("ca") : Path.of(ca), suite,
                hosts, (int) values.number("migrations.max-concurrent", 1, 256),
                Duration.ofMillis(values.number("migrations.poll-millis", 10, 10_000)),
                Duration.ofSeconds(values.number("migrations.vm-timeout-seconds", 10, 86_400)),
                Duration.ofSeconds(values.number("migrations.destination-loss-seconds", 1, 600)), nova, enrollmentPort(values),
                Duration.ofDays(values.number("enrollment.certificate-days", 1, 365)));
    }

    /** Where nodes enroll ({@code https://<api.address>:<enrollment.port>}), unless enrollment is disabled. */
    public Optional<URI> enrollmentEndpoint() {
        if (enrollmentPort == 0) {
            return Optional.empty();
        }
        String host = apiAddress.contains(":") && !apiAddress.startsWith("[") ? "[" + apiAddress + "]" : apiAddress;
        return Optional.of(URI.create("https://" + host + ":" + enrollmentPort));
    }

    private static int enrollmentPort(Values values) {
        int port = (int) values.number("enrollment.port", 0, 65535);
        if (port != 0 && port == values.number("api.port", 1, 65535)) {
            throw new ConfigException(values.file + ": enrollment.port must differ from api.port (the API requires client certificates)");
        }
        return port;
    }

    private static HostConfig host(Values values, String name) {
        String prefix = "host." + name + ".";
        String manager = values.required(prefix + "manager", HOST_KEYS.get("manager")[0]);
        URI uri;
        try {
            uri = URI.create(manager);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(values.file + ": " + prefix + "manager: not a URI");
        }
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1) {
            throw new ConfigException(values.file + ": " + prefix + "manager must be https://ADDRESS:PORT, got " + manager);
        }
        String libvirt = values.required(prefix + "libvirt", "");
        if (!libvirt.matches("qemu\\+(tcp|tls)://[A-Za-z0-9.\\-]{1,253}(:[0-9]{1,5})?/system")) {
            throw new ConfigException(values.file + ": " + prefix + "libvirt must be like qemu+tcp://ADDRESS/system, got " + libvirt);
        }
        return new HostConfig(name, uri, libvirt,
                (int) values.number(prefix + "max-migrations", HOST_KEYS.get("max-migrations")[0], 1, 64),
                (int) values.number(prefix + "max-vtpcms", HOST_KEYS.get("max-vtpcms")[0], 0, 100_000));
    }

    /** Reads keys with their defaults and explains bad values. */
    private static final class Values {
        private final Properties properties;
        private final Path file;

        Values(Properties properties, Path file) {
            this.properties = properties;
            this.file = file;
        }

        String text(String key) {
            return properties.getProperty(key, DEFAULTS.get(key)[0]).trim();
        }

        String required(String key, String fallback) {
            String value = properties.getProperty(key, fallback).trim();
            if (value.isEmpty()) {
                throw new ConfigException(file + ": " + key + " is required");
            }
            return value;
        }

        Path path(String key) {
            String value = text(key);
            if (value.isEmpty()) {
                throw new ConfigException(file + ": " + key + " is required");
            }
            return Path.of(value);
        }

        long number(String key, long min, long max) {
            return number(key, DEFAULTS.get(key)[0], min, max);
        }

        long number(String key, String fallback, long min, long max) {
            String value = properties.getProperty(key, fallback).trim();
            try {
                long number = Long.parseLong(value);
                if (number < min || number > max) {
                    throw new ConfigException(file + ": " + key + " must be " + min + ".." + max + ", got " + number);
                }
                return number;
            } catch (NumberFormatException e) {
                throw new ConfigException(file + ": " + key + " must be a number, got '" + value + "'");
            }
        }
    }
}
