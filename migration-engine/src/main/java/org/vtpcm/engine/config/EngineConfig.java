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
import java.util.SortedSet;
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
        Duration destinationLossTolerance, Optional<NovaSettings> nova, int enrollmentPort, TrustSettings trust,
        Duration nodeCertificateLifetime) {

    public static final Map<String, String[]> DEFAULTS = defaults();
    public static final Map<String, String[]> HOST_KEYS = hostKeys();
    private static final Pattern HOST_KEY = Pattern.compile("host\\.([A-Za-z0-9][A-Za-z0-9.-]{0,62})\\.([a-z-]+)");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,62}");
    private static final Pattern CLASS_PCRS_KEY = Pattern.compile("attestation\\.class\\.([A-Za-z0-9][A-Za-z0-9-]{0,62})\\.pcrs");

    public EngineConfig {
        requireNonNull(file, "file is null");
        hosts = List.copyOf(hosts);
        requireNonNull(trust, "trust is null");
    }

    /**
     * The trust model's knobs (issue 12).
     *
     * @param allowPlaintext QEMU's migration stream may go without TLS (operators' {@code tls:false}, Nova without native TLS)
     * @param novaRunTimeout a Nova-driven migration not past its switchover after this long is rolled back
     * @param attestationFreshness at Nova's {@code send}, an attestation older than this is done again
     * @param hostAttestationTimeout longest wait for one host's attestation when several are attested at once
     */
    public record TrustSettings(boolean allowPlaintext, Duration novaRunTimeout, Duration attestationFreshness,
            Duration hostAttestationTimeout) {
        public TrustSettings {
            requireNonNull(novaRunTimeout, "novaRunTimeout is null");
            requireNonNull(attestationFreshness, "attestationFreshness is null");
            requireNonNull(hostAttestationTimeout, "hostAttestationTimeout is null");
        }

        /** The defaults of {@link #DEFAULTS}. */
        public static TrustSettings defaults() {
            return new TrustSettings(false, Duration.ofSeconds(900), Duration.ofSeconds(60), Duration.ofSeconds(10));
        }
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
        // host classes and their attestation policy; attestation.class.<class>.pcrs overrides attestation.pcrs per class
        keys.put("attestation.pcrs", new String[] {"11,12,13", "PCRs every quote must cover, each holding a measurement, for hosts "
            + "of a class without its own attestation.class.<class>.pcrs (the manager measures its code into 11, its config into "
            + "12, qemu, libvirtd and swtpm into 13)"});
        // trust model (issue 12)
        keys.put("migration.allow-plaintext", new String[] {"false", "true lets QEMU's migration stream (which carries the vTPCM's "
            + "swtpm state) go without TLS: operators' tls:false and Nova without live_migration_with_native_tls; refused otherwise"});
        keys.put("nova.run-timeout-seconds", new String[] {"900", "a Nova-driven migration not past its switchover after this long "
            + "is rolled back"});
        keys.put("attestation.freshness-seconds", new String[] {"60", "at Nova's send hook, a destination attestation older than this "
            + "is done again (and the migration refused if it now fails)"});
        keys.put("attestation.host-timeout-seconds", new String[] {"10", "longest wait for one host's attestation when hosts are "
            + "attested together (host list, target selection); a host that takes longer is untrusted until its next attestation"});
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
        keys.put("class", new String[] {HostConfig.DEFAULT_CLASS, "the node's class: its required PCRs are attestation.class.<class>.pcrs; "
            + "reference values may be scoped to it (class:<class>)"});
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
            boolean known = DEFAULTS.containsKey(key) || key.startsWith(NovaSettings.PREFIX) || CLASS_PCRS_KEY.matcher(key).matches()
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
        unusedHostClasses(properties, hosts, file);
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
            Properties novaProperties = new Properties();
            properties.stringPropertyNames().stream().filter(key -> !DEFAULTS.containsKey(key))
                    .forEach(key -> novaProperties.setProperty(key, properties.getProperty(key)));
            nova = NovaSettings.configured(novaProperties) ? Optional.of(NovaSettings.from(novaProperties)) : Optional.empty();
        } catch (NovaSettingsException e) {
            throw new ConfigException(file + ": " + e.getMessage());
        }
        return new EngineConfig(file, values.text("api.address"), (int) values.number("api.port", 1, 65535),
                values.number("api.max-body-bytes", 1024, 64L << 20), state, ca.isEmpty() ? state.resolve("ca") : Path.of(ca), suite,
                hosts, (int) values.number("migrations.max-concurrent", 1, 256),
                Duration.ofMillis(values.number("migrations.poll-millis", 10, 10_000)),
                Duration.ofSeconds(values.number("migrations.vm-timeout-seconds", 10, 86_400)),
                Duration.ofSeconds(values.number("migrations.destination-loss-seconds", 1, 600)), nova, enrollmentPort(values),
                trust(values), Duration.ofDays(values.number("enrollment.certificate-days", 1, 365)));
    }

    private static TrustSettings trust(Values values) {
        String plaintext = values.text("migration.allow-plaintext");
        if (!plaintext.equals("true") && !plaintext.equals("false")) {
            throw new ConfigException(values.file + ": migration.allow-plaintext must be true or false, got '" + plaintext + "'");
        }
        return new TrustSettings(Boolean.parseBoolean(plaintext), Duration.ofSeconds(values.number("nova.run-timeout-seconds", 30, 86_400)),
                Duration.ofSeconds(values.number("attestation.freshness-seconds", 1, 3_600)),
                Duration.ofSeconds(values.number("attestation.host-timeout-seconds", 1, 600)));
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
        String hostClass = values.required(prefix + "class", HOST_KEYS.get("class")[0]);
        if (!NAME.matcher(hostClass).matches()) {
            throw new ConfigException(values.file + ": " + prefix + "class must be a name of letters, digits and dashes, got " + hostClass);
        }
        String pcrsKey = "attestation.class." + hostClass + ".pcrs";
        String pcrs = values.properties.containsKey(pcrsKey) ? pcrsKey : "attestation.pcrs";
        return new HostConfig(name, uri, libvirt,
                (int) values.number(prefix + "max-migrations", HOST_KEYS.get("max-migrations")[0], 1, 64),
                (int) values.number(prefix + "max-vtpcms", HOST_KEYS.get("max-vtpcms")[0], 0, 100_000), hostClass,
                values.pcrs(pcrs));
    }

    /** A class's PCR set that no host is of is a mistake (a typo in a class name), not a silent no-op. */
    private static void unusedHostClasses(Properties properties, List<HostConfig> hosts, Path file) {
        Set<String> classes = new TreeSet<>();
        hosts.forEach(host -> classes.add(host.hostClass()));
        Set<String> unused = new TreeSet<>();
        for (String key : properties.stringPropertyNames()) {
            Matcher matcher = CLASS_PCRS_KEY.matcher(key);
            if (matcher.matches() && !classes.contains(matcher.group(1))) {
                unused.add(key);
            }
        }
        if (!unused.isEmpty()) {
            throw new ConfigException(file + ": " + unused + " name(s) a class no host is of; host classes: " + classes);
        }
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

        /** A non-empty list of PCR indexes 0..23, e.g. "11,12,13". */
        SortedSet<Integer> pcrs(String key) {
            String value = properties.getProperty(key, DEFAULTS.getOrDefault(key, new String[] {""})[0]).trim();
            SortedSet<Integer> pcrs = new TreeSet<>();
            for (String part : value.split(",")) {
                try {
                    int pcr = Integer.parseInt(part.trim());
                    if (pcr < 0 || pcr > 23 || !pcrs.add(pcr)) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    throw new ConfigException(file + ": " + key + " must list distinct PCR indexes 0..23, comma separated, got '" + value + "'");
                }
            }
            return pcrs;
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
