package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.vtpcm.nodeapi.ManagerClient;
import org.vtpcm.nodeapi.ManagerClientException;

/**
 * A vtpcm-manager daemon running inside one lab node's namespaces: writes its config, enrolls it
 * with the lab CA (directly, or through the engine with a token), starts it, kills it. Its log is
 * {@code nodes/n<N>/manager.log}.
 */
public final class LabManager {
    public static final int API_PORT = 9443;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final LabConfig lab;
    private final LabNode node;
    private final LabCa ca;
    private Process process;

    public LabManager(LabConfig lab, LabNode node, LabCa ca) {
        this.lab = requireNonNull(lab, "lab is null");
        this.node = requireNonNull(node, "node is null");
        this.ca = requireNonNull(ca, "ca is null");
    }

    public LabNode node() {
        return node;
    }

    public Path configFile() {
        return node.directory().resolve("manager.conf");
    }

    public Path stateDirectory() {
        return node.directory().resolve("manager");
    }

    /** QEMU's migration TLS files (qemu.tls.dir's default); the lab's qemu.conf names this folder. */
    public Path qemuTlsDirectory() {
        return stateDirectory().resolve("tls").resolve("qemu");
    }

    public Path logFile() {
        return node.directory().resolve("manager.log");
    }

    /** Writes the config (suite "sm" or "nist"; extra lines appended verbatim) unless it exists. */
    public void configure(String suite, String... extraLines) {
        List<String> lines = new ArrayList<>(List.of(
                "# vtpcm-manager of lab node " + node.name(),
                "node.name = " + node.name(),
                "api.address = " + node.ip(),
                "api.port = " + API_PORT,
                "state.dir = " + stateDirectory(),
                "run.dir = /run/vtpcm",
                "libvirt.uri = qemu:///system",
                "crypto.suite = " + suite));
        lines.addAll(List.of(extraLines));
        try {
            Files.write(configFile(), lines);
        } catch (IOException e) {
            throw new LabNotReadyException("cannot write " + configFile() + ": " + e.getMessage());
        }
    }

    /** Enrolls the node with the lab CA (once; a no-op when its certificates exist). */
    public void enroll() {
        if (Files.exists(stateDirectory().resolve("tls").resolve("node.crt"))
                && Files.exists(qemuTlsDirectory().resolve("server-cert.pem"))) {
            return;
        }
        ProcessRunner.run(node.inNamespaces(javaCommand("enroll", "--config", configFile().toString(), "--ca-dir",
                ca.directory().toString(), "--ip", node.ip())), Duration.ofSeconds(90));
    }

    /**
     * Enrolls the node through the engine's enrollment endpoint, as an operator would on a real node:
     * {@code enroll --engine URL --token-file F --ca-fingerprint sha256:...} with the one-time token
     * in a file only root can read (never on a command line), removed afterwards. Re-enrolls a node
     * already enrolled. The manager must not run (enrollment opens its platform TPM). Answers the
     * command's output; a refusal is a {@link LabNotReadyException} carrying it.
     */
    public String enrollThroughEngine(URI endpoint, String token, String caFingerprint) {
        Path tokenFile = node.directory().resolve("enrollment-token");
        try {
            Files.deleteIfExists(tokenFile);
            Files.createFile(tokenFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tokenFile, token + "\n");
        } catch (IOException e) {
            throw new LabNotReadyException("cannot write " + tokenFile + ": " + e.getMessage());
        }
        try {
            return ProcessRunner.run(node.inNamespaces(javaCommand("enroll", "--config", configFile().toString(), "--engine",
                    endpoint.toString(), "--token-file", tokenFile.toString(), "--ca-fingerprint", caFingerprint, "--ip", node.ip())),
                    Duration.ofSeconds(90));
        } finally {
            try {
                Files.deleteIfExists(tokenFile);
            } catch (IOException e) {
                // the lab folder goes with `vtpcm-lab down`
            }
        }
    }

    /** Starts the daemon and waits until its API answers. */
    public void start() {
        if (process != null && process.isAlive()) {
            throw new LabNotReadyException("the manager of " + node + " already runs");
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(node.inNamespaces(javaCommand("run", "--config", configFile().toString())));
            builder.environment().put("MALLOC_ARENA_MAX", MALLOC_ARENA_MAX);
            process = builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile())).start();
        } catch (IOException e) {
            throw new LabNotReadyException("cannot start the manager of " + node + ": " + e.getMessage());
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            try {
                client().node();
                return;
            } catch (ManagerClientException e) {
                if (!process.isAlive()) {
                    throw new LabNotReadyException("the manager of " + node + " exited (" + process.exitValue() + "); see " + logFile());
                }
                if (System.nanoTime() > deadline) {
                    throw new LabNotReadyException("the manager of " + node + " did not answer within " + START_TIMEOUT.toSeconds()
                            + "s; see " + logFile());
                }
                LabSwtpm.sleep(200);
            }
        }
    }

    /** SIGKILL: no shutdown hook runs. */
    public void killHard() {
        if (process != null) {
            process.destroyForcibly();
            await();
        }
    }

    /** SIGTERM: the daemon closes its resources. */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            await();
        }
    }

    public Optional<Long> pid() {
        return process != null && process.isAlive() ? Optional.of(process.pid()) : Optional.empty();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** A client with the lab operator's certificate. */
    public ManagerClient client() {
        return new ManagerClient(baseUri(), ca.operatorTls());
    }

    /** A client with the engine's role: the migration hooks, attestation quotes and revocation pushes. */
    public ManagerClient engineClient() {
        return new ManagerClient(baseUri(), ca.engineDriverTls());
    }

    public URI baseUri() {
        return URI.create("https://" + node.ip() + ":" + API_PORT);
    }

    private void await() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new LabNotReadyException("the manager of " + node + " did not exit");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The manager's JVM: a small heap and young generation that give memory back after a collection,
     * the client compiler only, bounded metaspace and code cache (idle RSS 138 MB against 244 MB with
     * -Xmx256m; docs/benchmarks/manager-footprint.md). The same flags as devstack/settings and
     * devstack/systemd/vtpcm-manager.service: keep them in step.
     */
    static final List<String> JVM_FLAGS = List.of("-Xms16m", "-Xmx64m", "-Xmn8m", "-XX:+UseSerialGC", "-XX:MinHeapFreeRatio=10",
            "-XX:MaxHeapFreeRatio=20", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:ReservedCodeCacheSize=24m",
            "-XX:MaxMetaspaceSize=96m", "-Xss256k", "-XX:-UsePerfData", "-Djdk.nio.maxCachedBufferSize=262144");
    /** glibc's per-thread malloc arenas (64 MB each, partly touched) dominate a small JVM's native memory: two are plenty. */
    static final String MALLOC_ARENA_MAX = "2";

    private static String[] javaCommand(String... arguments) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(JVM_FLAGS);
        command.addAll(List.of("-cp", managerClassPath(), "org.vtpcm.manager.ManagerMain"));
        command.addAll(List.of(arguments));
        return command.toArray(new String[0]);
    }

    /** This JVM's class path without test-only entries: what the manager needs, as jars where possible. */
    static String managerClassPath() {
        List<String> kept = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            String lower = entry.toLowerCase(java.util.Locale.ROOT);
            if (entry.isBlank() || lower.contains("junit") || lower.contains("opentest4j") || lower.contains("surefire")
                    || lower.contains("failsafe") || lower.contains("apiguardian") || lower.contains("test-classes")
                    || entry.contains("/tests/target/") || lower.contains("/tests-0.")) {
                continue;
            }
            kept.add(entry);
        }
        return String.join(File.pathSeparator, kept);
    }
}
