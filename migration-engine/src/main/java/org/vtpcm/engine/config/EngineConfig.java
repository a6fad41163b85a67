package org.vtpcm.engine.config;

import static java.util.Objects.requireNonNull;

import static org.vtpcm.service.config.ConfigKey.bool;
import static org.vtpcm.service.config.ConfigKey.integer;
import static org.vtpcm.service.config.ConfigKey.number;
import static org.vtpcm.service.config.ConfigKey.path;
import static org.vtpcm.service.config.ConfigKey.required;
import static org.vtpcm.service.config.ConfigKey.seconds;
import static org.vtpcm.service.config.ConfigKey.text;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vtpcm.nova.NovaSettings;
import org.vtpcm.protocol.crypto.SuiteName;
import org.vtpcm.service.config.ConfigKey;
import org.vtpcm.service.config.ConfigKeys;
import org.vtpcm.service.config.ConfigReader;

/**
 * The engine's configuration: a properties file whose keys are those of {@link #KEYS} plus, per
 * host listed in {@code hosts}, the keys of {@link #HOST_KEYS} as {@code host.<name>.<key>}, and Nova's
 * ({@link NovaSettings#KEYS}). An unknown key or an invalid value fails start-up with a
 * {@link org.vtpcm.service.config.ConfigException} naming it.
 */
public record EngineConfig(Path file, String apiAddress, int apiPort, long apiMaxBodyBytes, Path stateDirectory, Path caDirectory,
        SuiteName suite, List<HostConfig> hosts, int maxConcurrentMigrations, Duration pollInterval, Duration vmMigrationTimeout,
        Duration destinationLossTolerance, Optional<NovaSettings> nova, int enrollmentPort, TrustSettings trust,
        Duration nodeCertificateLifetime) {

    private static final Pattern HOST_KEY = Pattern.compile("host\\.([A-Za-z0-9][A-Za-z0-9.-]{0,62})\\.([a-z-]+)");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,62}");
    private static final Pattern CLASS_PCRS_KEY = Pattern.compile("attestation\\.class\\.([A-Za-z0-9][A-Za-z0-9-]{0,62})\\.pcrs");

    static final ConfigKey<String> API_ADDRESS = text("api.address", "127.0.0.1", "address the REST API listens on (mutual TLS only)");
    static final ConfigKey<Integer> API_PORT = integer("api.port", "9440", 1, 65535, "port of the REST API");
    static final ConfigKey<Long> API_MAX_BODY = number("api.max-body-bytes", "1048576", 1024, 64L << 20,
            "largest request body accepted; larger ones get 413");
    static final ConfigKey<Integer> ENROLLMENT_PORT = integer("enrollment.port", "0", 0, 65535, "port on api.address of the node "
            + "enrollment endpoint: TLS without client certificates, serving only the enrollment exchange (one-time tokens from "
            + "POST /v1/enrollment-tokens); 0 disables it");
    static final ConfigKey<Path> STATE_DIR = path("state.dir", "/var/lib/vtpcm-engine",
            "journal database, receipt key, the engine's TLS identity");
    static final ConfigKey<String> CA_DIR = text("ca.dir", "", "the cloud CA the engine hosts (created on first start; default <state.dir>/ca)");
    static final ConfigKey<SuiteName> SUITE = ConfigKey.parsed("crypto.suite", "sm", "suite of receipts and the one nodes must use: sm or nist",
            SuiteName::parse, "sm or nist");
    static final ConfigKey<List<String>> HOSTS = text("hosts", "",
            "names of the compute nodes, comma separated; each needs host.<name>.manager and .libvirt").map(EngineConfig::hostNames);
    static final ConfigKey<Integer> MAX_CONCURRENT = integer("migrations.max-concurrent", "4", 1, 256,
            "migrations running at once across the cloud (more wait)");
    static final ConfigKey<Duration> POLL_INTERVAL = number("migrations.poll-millis", "20", 10, 10_000,
            "pause between two reads of a running VM migration; each read is held by the source until the switchover or for "
            + "half a second, so the switchover is seen the moment it happens").map(Duration::ofMillis);
    static final ConfigKey<Duration> VM_TIMEOUT = seconds("migrations.vm-timeout-seconds", "900", 10, 86_400,
            "a VM migration still running after this is aborted");
    static final ConfigKey<Duration> DESTINATION_LOSS = seconds("migrations.destination-loss-seconds", "3", 1, 600,
            "before the switchover, a destination manager unreachable this long aborts the migration");
    // host classes and their attestation policy; attestation.class.<class>.pcrs overrides attestation.pcrs per class
    static final ConfigKey<SortedSet<Integer>> PCRS = new ConfigKey<>("attestation.pcrs", "11,12,13", "PCRs every quote must cover, "
            + "each holding a measurement, for hosts of a class without its own attestation.class.<class>.pcrs (the manager measures "
            + "its code into 11, its config into 12, qemu, libvirtd and swtpm into 13)", EngineConfig::pcrs);
    // trust model (issue 12)
    static final ConfigKey<Boolean> ALLOW_PLAINTEXT = bool("migration.allow-plaintext", "false", "true lets QEMU's migration stream "
            + "(which carries the vTPCM's swtpm state) go without TLS: operators' tls:false and Nova without "
            + "live_migration_with_native_tls; refused otherwise");
    static final ConfigKey<Duration> NOVA_RUN_TIMEOUT = seconds("nova.run-timeout-seconds", "900", 30, 86_400,
            "a Nova-driven migration not past its switchover after this long is rolled back");
    static final ConfigKey<Duration> ATTESTATION_FRESHNESS = seconds("attestation.freshness-seconds", "60", 1, 3_600, "at Nova's send "
            + "hook, a destination attestation older than this is done again (and the migration refused if it now fails)");
    static final ConfigKey<Duration> HOST_ATTESTATION_TIMEOUT = seconds("attestation.host-timeout-seconds", "10", 1, 600, "longest wait "
            + "for one host's attestation when hosts are attested together (host list, target selection); a host that takes longer "
            + "is untrusted until its next attestation");
    // certificates and revocation
    static final ConfigKey<Duration> NODE_CERTIFICATE_LIFETIME = number("enrollment.certificate-days", "30", 1, 365, "how long the "
            + "certificates a node receives when it enrolls last (node-manager, node-qemu, AK), 1..365; a node renews them by "
            + "enrolling again with a fresh token, which revokes the previous ones").map(Duration::ofDays);

    /** The engine's own keys, in documentation order ({@code vtpcm-engine config}). */
    public static final ConfigKeys KEYS = ConfigKeys.of(API_ADDRESS, API_PORT, API_MAX_BODY, ENROLLMENT_PORT, STATE_DIR, CA_DIR, SUITE,
            HOSTS, MAX_CONCURRENT, POLL_INTERVAL, VM_TIMEOUT, DESTINATION_LOSS, PCRS, ALLOW_PLAINTEXT, NOVA_RUN_TIMEOUT,
            ATTESTATION_FRESHNESS, HOST_ATTESTATION_TIMEOUT, NODE_CERTIFICATE_LIFETIME);

    static final ConfigKey<URI> HOST_MANAGER = required("manager", "", "the node manager's API, https://ADDRESS:PORT")
            .map(EngineConfig::managerUri);
    static final ConfigKey<String> HOST_LIBVIRT = ConfigKey.matching("libvirt", "", "the node's libvirtd as peers reach it, e.g. "
            + "qemu+tcp://ADDRESS/system", Pattern.compile("qemu\\+(tcp|tls)://[A-Za-z0-9.\\-]{1,253}(:[0-9]{1,5})?/system"),
            "like qemu+tcp://ADDRESS/system");
    static final ConfigKey<Integer> HOST_MAX_MIGRATIONS = integer("max-migrations", "2", 1, 64, "migrations at once involving this node");
    static final ConfigKey<Integer> HOST_MAX_VTPCMS = integer("max-vtpcms", "64", 0, 100_000, "vTPCMs this node may hold");
    static final ConfigKey<String> HOST_CLASS = ConfigKey.matching("class", HostConfig.DEFAULT_CLASS, "the node's class: its required "
            + "PCRs are attestation.class.<class>.pcrs; reference values may be scoped to it (class:<class>)", NAME,
            "a name of letters, digits and dashes");

    /** The keys of each host named in {@code hosts}, as {@code host.<name>.<key>}. */
    public static final ConfigKeys HOST_KEYS = ConfigKeys.of(HOST_MANAGER, HOST_LIBVIRT, HOST_MAX_MIGRATIONS, HOST_MAX_VTPCMS, HOST_CLASS);

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

        /** The defaults of {@link #KEYS}. */
        public static TrustSettings defaults() {
            return new TrustSettings(false, Duration.ofSeconds(900), Duration.ofSeconds(60), Duration.ofSeconds(10));
        }
    }

    /** Every key, with its default and meaning, as a config file of the defaults. */
    public static String describe() {
        return KEYS.describe() + "# per host named in hosts:\n" + HOST_KEYS.describe("host.<name>.")
                + "# per host class: attestation.class.<class>.pcrs overrides attestation.pcrs\n\n# Nova (optional):\n"
                + NovaSettings.KEYS.describe();
    }

    public static EngineConfig load(Path file) {
        return from(ConfigReader.load(file), file);
    }

    public static EngineConfig from(Properties properties, Path file) {
        return from(ConfigReader.of(properties, file), file);
    }

    private static EngineConfig from(ConfigReader config, Path file) {
        List<String> names = config.get(HOSTS);
        config.refuseUnknown(key -> known(key, names), KEYS.names() + " and host.<name>." + HOST_KEYS.names()
                + " for each name in hosts");
        List<HostConfig> hosts = new ArrayList<>();
        for (String name : names) {
            hosts.add(host(config, name));
        }
        unusedHostClasses(config, hosts);
        Path state = config.get(STATE_DIR);
        String ca = config.get(CA_DIR);
        // the engine's own keys under nova. (nova.run-timeout-seconds) are not Nova's
        ConfigReader novaKeys = config.only(key -> !KEYS.contains(key));
        Optional<NovaSettings> nova = NovaSettings.configured(novaKeys) ? Optional.of(NovaSettings.from(novaKeys)) : Optional.empty();
        int apiPort = config.get(API_PORT);
        int enrollmentPort = config.get(ENROLLMENT_PORT);
        if (enrollmentPort != 0 && enrollmentPort == apiPort) {
            throw config.problem("enrollment.port must differ from api.port (the API requires client certificates)");
        }
        TrustSettings trust = new TrustSettings(config.get(ALLOW_PLAINTEXT), config.get(NOVA_RUN_TIMEOUT), config.get(ATTESTATION_FRESHNESS),
                config.get(HOST_ATTESTATION_TIMEOUT));
        return new EngineConfig(file, config.get(API_ADDRESS), apiPort, config.get(API_MAX_BODY), state,
                ca.isEmpty() ? state.resolve("ca") : Path.of(ca), config.get(SUITE), hosts, config.get(MAX_CONCURRENT),
                config.get(POLL_INTERVAL), config.get(VM_TIMEOUT), config.get(DESTINATION_LOSS), nova, enrollmentPort, trust,
                config.get(NODE_CERTIFICATE_LIFETIME));
    }

    private static boolean known(String key, List<String> hosts) {
        Matcher host = HOST_KEY.matcher(key);
        return KEYS.contains(key) || key.startsWith(NovaSettings.PREFIX) || CLASS_PCRS_KEY.matcher(key).matches()
                || host.matches() && hosts.contains(host.group(1)) && HOST_KEYS.contains(host.group(2));
    }

    /** Where nodes enroll ({@code https://<api.address>:<enrollment.port>}), unless enrollment is disabled. */
    public Optional<URI> enrollmentEndpoint() {
        if (enrollmentPort == 0) {
            return Optional.empty();
        }
        String host = apiAddress.contains(":") && !apiAddress.startsWith("[") ? "[" + apiAddress + "]" : apiAddress;
        return Optional.of(URI.create("https://" + host + ":" + enrollmentPort));
    }

    private static HostConfig host(ConfigReader config, String name) {
        String prefix = "host." + name + ".";
        String hostClass = config.get(HOST_CLASS.named(prefix + HOST_CLASS.name()));
        String classPcrs = "attestation.class." + hostClass + ".pcrs";
        return new HostConfig(name, config.get(HOST_MANAGER.named(prefix + HOST_MANAGER.name())),
                config.get(HOST_LIBVIRT.named(prefix + HOST_LIBVIRT.name())),
                config.get(HOST_MAX_MIGRATIONS.named(prefix + HOST_MAX_MIGRATIONS.name())),
                config.get(HOST_MAX_VTPCMS.named(prefix + HOST_MAX_VTPCMS.name())), hostClass,
                config.get(config.isSet(classPcrs) ? PCRS.named(classPcrs) : PCRS));
    }

    /** A class's PCR set that no host is of is a mistake (a typo in a class name), not a silent no-op. */
    private static void unusedHostClasses(ConfigReader config, List<HostConfig> hosts) {
        Set<String> classes = new TreeSet<>();
        hosts.forEach(host -> classes.add(host.hostClass()));
        Set<String> unused = new TreeSet<>();
        for (String key : config.names()) {
            Matcher matcher = CLASS_PCRS_KEY.matcher(key);
            if (matcher.matches() && !classes.contains(matcher.group(1))) {
                unused.add(key);
            }
        }
        if (!unused.isEmpty()) {
            throw config.problem(unused + " name(s) a class no host is of; host classes: " + classes);
        }
    }

    /** The host names of {@code hosts}: distinct, each a host name. */
    private static List<String> hostNames(String text) {
        List<String> names = new ArrayList<>();
        for (String name : text.split(",")) {
            String trimmed = name.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (!NAME.matcher(trimmed).matches() || names.contains(trimmed)) {
                throw new IllegalArgumentException("has an invalid or repeated host name '" + trimmed + "'");
            }
            names.add(trimmed);
        }
        return List.copyOf(names);
    }

    private static URI managerUri(String text) {
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not a URI");
        }
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1) {
            throw new IllegalArgumentException("must be https://ADDRESS:PORT, got " + text);
        }
        return uri;
    }

    /** A non-empty list of PCR indexes 0..23, e.g. "11,12,13". */
    private static SortedSet<Integer> pcrs(String text) {
        SortedSet<Integer> pcrs = new TreeSet<>();
        for (String part : text.split(",")) {
            try {
                int pcr = Integer.parseInt(part.trim());
                if (pcr < 0 || pcr > 23 || !pcrs.add(pcr)) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("must list distinct PCR indexes 0..23, comma separated, got '" + text + "'");
            }
        }
        return pcrs;
    }
}
