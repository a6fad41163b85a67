package org.vtpcm.manager.config;

import static java.util.Objects.requireNonNull;
import static org.vtpcm.service.config.ConfigKey.absolutePath;
import static org.vtpcm.service.config.ConfigKey.absolutePaths;
import static org.vtpcm.service.config.ConfigKey.bool;
import static org.vtpcm.service.config.ConfigKey.integer;
import static org.vtpcm.service.config.ConfigKey.number;
import static org.vtpcm.service.config.ConfigKey.optionalAbsolutePath;
import static org.vtpcm.service.config.ConfigKey.text;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import org.vtpcm.protocol.crypto.SuiteName;
import org.vtpcm.service.config.ConfigKey;
import org.vtpcm.service.config.ConfigKeys;
import org.vtpcm.service.config.ConfigReader;

/**
 * The manager's configuration: a properties file whose every key is one of {@link #KEYS}, with its default. An
 * unknown key or an invalid value fails start-up with a {@link org.vtpcm.service.config.ConfigException} naming it.
 *
 * @param file where it was read from (for messages), or empty path for defaults only
 */
public record ManagerConfig(Path file, String nodeName, String apiAddress, int apiPort, long apiMaxBodyBytes, Path stateDirectory,
        Path runDirectory, String libvirtUri, Path libvirtStatusDirectory, SuiteName suite, PlatformTpmKind platformTpm, Path platformTpmDevice,
        Path tlsDirectory, Path qemuTlsDirectory, String swtpmBinary, List<Path> measuredBinaries, String defaultPolicy,
        long maxBundleBytes, boolean allowPlaintextMigration, Path platformTpmKeyFile, int swtpmPoolSize) {

    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,62}");

    static final ConfigKey<String> NODE_NAME = text("node.name", "",
            "this node's name (default: the host name); must match its certificate").map(ManagerConfig::nodeName);
    static final ConfigKey<String> API_ADDRESS = text("api.address", "127.0.0.1", "address the REST API listens on (mutual TLS only)");
    static final ConfigKey<Integer> API_PORT = integer("api.port", "9443", 1, 65535, "port of the REST API");
    static final ConfigKey<Long> API_MAX_BODY = number("api.max-body-bytes", "1048576", 1, Long.MAX_VALUE,
            "largest request body accepted; larger ones get 413");
    static final ConfigKey<Path> STATE_DIR = absolutePath("state.dir", "/var/lib/vtpcm-manager",
            "database, node master key, encrypted vTPCM state");
    static final ConfigKey<Path> RUN_DIR = absolutePath("run.dir", "/run/vtpcm", "TPM engine sockets and pid files (tmpfs)");
    static final ConfigKey<String> LIBVIRT_URI = text("libvirt.uri", "qemu:///system", "the local libvirtd");
    static final ConfigKey<Path> LIBVIRT_STATUS_DIR = absolutePath("libvirt.status-dir", "/run/libvirt/qemu", "the local libvirtd's "
            + "status files of running domains (read for a migration's Confirm phase: the safe switchover point, 1-2 s before the "
            + "migrate call returns)");
    static final ConfigKey<SuiteName> SUITE = ConfigKey.parsed("crypto.suite", "sm", "sm (SM2/SM3/SM4) or nist (P-256/SHA-256/AES-GCM)",
            SuiteName::parse, "sm or nist");
    static final ConfigKey<PlatformTpmKind> PLATFORM_TPM = ConfigKey.choice("platform.tpm", "emulated",
            "node root of trust: emulated (a swtpm owned by the manager) or device", PlatformTpmKind.class);
    static final ConfigKey<Path> PLATFORM_TPM_DEVICE = absolutePath("platform.tpm.device", "/dev/tpmrm0",
            "the device TPM when platform.tpm = device");
    // the emulated platform TPM's state (EK, AK) is encrypted at rest with a key kept outside that state
    static final ConfigKey<Optional<Path>> PLATFORM_TPM_KEY_FILE = optionalAbsolutePath("platform.tpm.key-file", "", "key encrypting "
            + "the emulated platform TPM's state at rest (32 random bytes, 0600, created at first start; must not lie in "
            + "<state.dir>/platform-tpm; put it on another volume so that a copy of the state alone does not hold it; default: "
            + "<state.dir>/keys/platform-tpm.key)");
    static final ConfigKey<Optional<Path>> TLS_DIR = optionalAbsolutePath("tls.dir", "",
            "node.key, node.crt, ak.crt, ca.crt from enrollment (default: <state.dir>/tls)");
    static final ConfigKey<Optional<Path>> QEMU_TLS_DIR = optionalAbsolutePath("qemu.tls.dir", "", "QEMU's migration TLS identity "
            + "from enrollment (ca-cert.pem, server-cert.pem, server-key.pem, client-cert.pem, client-key.pem); qemu.conf's "
            + "migrate_tls_x509_cert_dir must name it (default: <state.dir>/tls/qemu)");
    static final ConfigKey<String> SWTPM_BINARY = text("swtpm.binary", "swtpm", "the swtpm program");
    static final ConfigKey<Integer> SWTPM_POOL_SIZE = integer("swtpm.pool-size", "2", 0, 16, "swtpm engines with empty state kept "
            + "ready (each with its own fresh at-rest key) so that preparing an incoming migration never waits for a process start; "
            + "0 starts each on demand");
    static final ConfigKey<List<Path>> MEASURED_BINARIES = absolutePaths("measure.binaries",
            "/usr/bin/qemu-system-x86_64,/usr/sbin/libvirtd,/usr/bin/swtpm", "binaries measured into PCR 13 at start (comma separated)");
    static final ConfigKey<String> DEFAULT_POLICY = ConfigKey.matching("policy.default", "deny",
            "active-control policy for VMs created without one: deny or audit", Pattern.compile("deny|audit"), "deny or audit");
    static final ConfigKey<Long> MAX_BUNDLE_BYTES = number("migration.max-bundle-bytes", "67108864", 1, Long.MAX_VALUE, "largest state "
            + "bundle accepted from a source manager in chunks (spooled under <state.dir>/incoming); larger ones get 413");
    static final ConfigKey<Boolean> ALLOW_PLAINTEXT = bool("migration.allow-plaintext", "false", "true lets migrate-vm move a VM "
            + "without TLS (tls: false), its memory and TPM state in clear on the network; otherwise such a request gets 400 "
            + "PLAINTEXT_REFUSED");

    /** Every key with its default and meaning; also the documentation printed by {@code vtpcm-manager config}. */
    public static final ConfigKeys KEYS = ConfigKeys.of(NODE_NAME, API_ADDRESS, API_PORT, API_MAX_BODY, STATE_DIR, RUN_DIR, LIBVIRT_URI,
            LIBVIRT_STATUS_DIR, SUITE, PLATFORM_TPM, PLATFORM_TPM_DEVICE, PLATFORM_TPM_KEY_FILE, TLS_DIR, QEMU_TLS_DIR, SWTPM_BINARY,
            SWTPM_POOL_SIZE, MEASURED_BINARIES, DEFAULT_POLICY, MAX_BUNDLE_BYTES, ALLOW_PLAINTEXT);

    public ManagerConfig {
        requireNonNull(file, "file is null");
        requireNonNull(nodeName, "nodeName is null");
        measuredBinaries = List.copyOf(measuredBinaries);
    }

    /** Reads and validates a config file. */
    public static ManagerConfig load(Path file) {
        return from(ConfigReader.load(file), file);
    }

    public static ManagerConfig from(Properties properties, Path file) {
        return from(ConfigReader.of(properties, file), file);
    }

    private static ManagerConfig from(ConfigReader config, Path file) {
        config.refuseUnknown(KEYS);
        Path state = config.get(STATE_DIR);
        Path tls = config.get(TLS_DIR).orElse(state.resolve("tls"));
        Path platformTpmKey = config.get(PLATFORM_TPM_KEY_FILE).orElse(state.resolve("keys").resolve("platform-tpm.key"));
        // the state key must not be stored beside the state it protects
        if (platformTpmKey.startsWith(state.resolve("platform-tpm"))) {
            throw config.problem("platform.tpm.key-file must lie outside the platform TPM's state directory "
                    + state.resolve("platform-tpm") + " (got " + platformTpmKey + ")");
        }
        return new ManagerConfig(file, config.get(NODE_NAME), config.get(API_ADDRESS), config.get(API_PORT), config.get(API_MAX_BODY),
                state, config.get(RUN_DIR), config.get(LIBVIRT_URI), config.get(LIBVIRT_STATUS_DIR), config.get(SUITE),
                config.get(PLATFORM_TPM), config.get(PLATFORM_TPM_DEVICE), tls,
                config.get(QEMU_TLS_DIR).orElse(state.resolve("tls").resolve("qemu")), config.get(SWTPM_BINARY),
                config.get(MEASURED_BINARIES), config.get(DEFAULT_POLICY), config.get(MAX_BUNDLE_BYTES), config.get(ALLOW_PLAINTEXT),
                platformTpmKey, config.get(SWTPM_POOL_SIZE));
    }

    /** The configured name, or this host's. */
    private static String nodeName(String configured) {
        String name = configured;
        if (name.isEmpty()) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                throw new IllegalArgumentException("is not set and the host name is unknown");
            }
        }
        if (!HOST_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a valid host name");
        }
        return name;
    }

    /** The node database file. */
    public Path databaseFile() {
        return stateDirectory.resolve("node.db");
    }

    /** Where the emulated platform TPM keeps its state. */
    public Path platformTpmStateDirectory() {
        return stateDirectory.resolve("platform-tpm");
    }

    /** Which root of trust. */
    public enum PlatformTpmKind { EMULATED, DEVICE }
}
