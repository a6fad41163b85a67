package org.vtpcm.manager.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.vtpcm.protocol.crypto.SuiteName;

/**
 * The manager's configuration: a properties file whose every key is listed in {@link #DEFAULTS}
 * with its default. An unknown key or an invalid value fails start-up with a message naming it.
 *
 * @param file where it was read from (for messages), or empty path for defaults only
 */
public record ManagerConfig(Path file, String nodeName, String apiAddress, int apiPort, long apiMaxBodyBytes, Path stateDirectory,
        Path runDirectory, String libvirtUri, Path libvirtStatusDirectory, SuiteName suite, PlatformTpmKind platformTpm, Path platformTpmDevice,
        Path tlsDirectory, Path qemuTlsDirectory, String swtpmBinary, List<Path> measuredBinaries, String defaultPolicy,
        long maxBundleBytes, boolean allowPlaintextMigration, Path platformTpmKeyFile) {

    /** Every key with its default and meaning; also the documentation printed by {@code vtpcm-manager config}. */
    public static final Map<String, String[]> DEFAULTS = defaults();

    public ManagerConfig {
        requireNonNull(file, "file is null");
        requireNonNull(nodeName, "nodeName is null");
        measuredBinaries = List.copyOf(measuredBinaries);
    }

    private static Map<String, String[]> defaults() {
        Map<String, String[]> keys = new LinkedHashMap<>();
        keys.put("node.name", new String[] {"", "this node's name (default: the host name); must match its certificate"});
        keys.put("api.address", new String[] {"127.0.0.1", "address the REST API listens on (mutual TLS only)"});
        keys.put("api.port", new String[] {"9443", "port of the REST API"});
        keys.put("api.max-body-bytes", new String[] {"1048576", "largest request body accepted; larger ones get 413"});
        keys.put("state.dir", new String[] {"/var/lib/vtpcm-manager", "database, node master key, encrypted vTPCM state"});
        keys.put("run.dir", new String[] {"/run/vtpcm", "TPM engine sockets and pid files (tmpfs)"});
        keys.put("libvirt.uri", new String[] {"qemu:///system", "the local libvirtd"});
        keys.put("libvirt.status-dir", new String[] {"/run/libvirt/qemu", "the local libvirtd's status files of running domains "
            + "(read for a migration's Confirm phase: the safe switchover point, 1-2 s before the migrate call returns)"});
        keys.put("crypto.suite", new String[] {"sm", "sm (SM2/SM3/SM4) or nist (P-256/SHA-256/AES-GCM)"});
        keys.put("platform.tpm", new String[] {"emulated", "node root of trust: emulated (a swtpm owned by the manager) or device"});
        keys.put("platform.tpm.device", new String[] {"/dev/tpmrm0", "the device TPM when platform.tpm = device"});
        // the emulated platform TPM's state (EK, AK) is encrypted at rest with a key kept outside that state
        keys.put("platform.tpm.key-file", new String[] {"", "key encrypting the emulated platform TPM's state at rest (32 random bytes, "
            + "0600, created at first start; must not lie in <state.dir>/platform-tpm; put it on another volume so that a copy of the "
            + "state alone does not hold it; default: <state.dir>/keys/platform-tpm.key)"});
        keys.put("tls.dir", new String[] {"", "node.key, node.crt, ak.crt, ca.crt from enrollment (default: <state.dir>/tls)"});
        keys.put("qemu.tls.dir", new String[] {"", "QEMU's migration TLS identity from enrollment (ca-cert.pem, server-cert.pem, "
            + "server-key.pem, client-cert.pem, client-key.pem); qemu.conf's migrate_tls_x509_cert_dir must name it "
            + "(default: <state.dir>/tls/qemu)"});
        keys.put("swtpm.binary", new String[] {"swtpm", "the swtpm program"});
        keys.put("measure.binaries", new String[] {"/usr/bin/qemu-system-x86_64,/usr/sbin/libvirtd,/usr/bin/swtpm",
            "binaries measured into PCR 13 at start (comma separated)"});
        keys.put("policy.default", new String[] {"deny", "active-control policy for VMs created without one: deny or audit"});
        keys.put("migration.max-bundle-bytes", new String[] {"67108864", "largest state bundle accepted from a source manager in "
            + "chunks (spooled under <state.dir>/incoming); larger ones get 413"});
        keys.put("migration.allow-plaintext", new String[] {"false", "true lets migrate-vm move a VM without TLS (tls: false), its "
            + "memory and TPM state in clear on the network; otherwise such a request gets 400 PLAINTEXT_REFUSED"});
        return java.util.Collections.unmodifiableMap(keys);
    }

    /** Reads and validates a config file. */
    public static ManagerConfig load(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read config " + file + ": " + e.getMessage());
        }
        return from(properties, file);
    }

    public static ManagerConfig from(Properties properties, Path file) {
        Set<String> unknown = new TreeSet<>(properties.stringPropertyNames());
        unknown.removeAll(DEFAULTS.keySet());
        if (!unknown.isEmpty()) {
            throw new ConfigException(file + ": unknown key(s) " + unknown + "; known keys: " + DEFAULTS.keySet());
        }
        Values values = new Values(properties, file);
        Path state = values.path("state.dir");
        String tls = values.text("tls.dir");
        String qemuTls = values.text("qemu.tls.dir");
        String platformTpmKey = values.text("platform.tpm.key-file");
        return new ManagerConfig(file, values.nodeName(), values.text("api.address"), values.port("api.port"),
                values.positiveLong("api.max-body-bytes"), state, values.path("run.dir"), values.text("libvirt.uri"),
                values.path("libvirt.status-dir"), values.suite(), values.platformTpm(), values.path("platform.tpm.device"),
                tls.isEmpty() ? state.resolve("tls") : values.path("tls.dir"),
                qemuTls.isEmpty() ? state.resolve("tls").resolve("qemu") : values.path("qemu.tls.dir"), values.text("swtpm.binary"),
                values.paths("measure.binaries"),
                values.policy(), values.positiveLong("migration.max-bundle-bytes"), values.bool("migration.allow-plaintext"),
                platformTpmKeyFile(state, platformTpmKey.isEmpty() ? state.resolve("keys").resolve("platform-tpm.key")
                        : values.path("platform.tpm.key-file"), file));
    }

    /** The state key must not be stored beside the state it protects. */
    private static Path platformTpmKeyFile(Path state, Path key, Path file) {
        if (key.startsWith(state.resolve("platform-tpm"))) {
            throw new ConfigException(file + ": platform.tpm.key-file must lie outside the platform TPM's state directory "
                    + state.resolve("platform-tpm") + " (got " + key + ")");
        }
        return key;
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

    /** Typed reads with messages that name the key. */
    private record Values(Properties properties, Path file) {
        String text(String key) {
            return properties.getProperty(key, DEFAULTS.get(key)[0]).trim();
        }

        Path path(String key) {
            String value = text(key);
            if (value.isEmpty() || !Path.of(value).isAbsolute()) {
                throw new ConfigException(file + ": " + key + " must be an absolute path (got '" + value + "')");
            }
            return Path.of(value).normalize();
        }

        List<Path> paths(String key) {
            List<Path> paths = new ArrayList<>();
            for (String part : Arrays.stream(text(key).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()) {
                if (!Path.of(part).isAbsolute()) {
                    throw new ConfigException(file + ": " + key + " entries must be absolute paths (got '" + part + "')");
                }
                paths.add(Path.of(part));
            }
            return paths;
        }

        int port(String key) {
            long value = positiveLong(key);
            if (value > 65535) {
                throw new ConfigException(file + ": " + key + " must be 1..65535 (got " + value + ")");
            }
            return (int) value;
        }

        long positiveLong(String key) {
            try {
                long value = Long.parseLong(text(key));
                if (value <= 0) {
                    throw new NumberFormatException();
                }
                return value;
            } catch (NumberFormatException e) {
                throw new ConfigException(file + ": " + key + " must be a positive number (got '" + text(key) + "')");
            }
        }

        boolean bool(String key) {
            return switch (text(key)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new ConfigException(file + ": " + key + " must be true or false (got '" + text(key) + "')");
            };
        }

        SuiteName suite() {
            try {
                return SuiteName.parse(text("crypto.suite"));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(file + ": crypto.suite: " + e.getMessage());
            }
        }

        PlatformTpmKind platformTpm() {
            return switch (text("platform.tpm")) {
                case "emulated" -> PlatformTpmKind.EMULATED;
                case "device" -> PlatformTpmKind.DEVICE;
                default -> throw new ConfigException(file + ": platform.tpm must be emulated or device (got '" + text("platform.tpm") + "')");
            };
        }

        String policy() {
            String value = text("policy.default");
            if (!value.equals("deny") && !value.equals("audit")) {
                throw new ConfigException(file + ": policy.default must be deny or audit (got '" + value + "')");
            }
            return value;
        }

        String nodeName() {
            String value = text("node.name");
            if (value.isEmpty()) {
                try {
                    value = InetAddress.getLocalHost().getHostName();
                } catch (IOException e) {
                    throw new ConfigException(file + ": node.name is not set and the host name is unknown");
                }
            }
            if (!value.matches("[A-Za-z0-9][A-Za-z0-9.-]{0,62}")) {
                throw new ConfigException(file + ": node.name '" + value + "' is not a valid host name");
            }
            return value;
        }
    }
}
