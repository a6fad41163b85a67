package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.vtpcm.collector.interposer.ChannelReport;
import org.vtpcm.collector.interposer.InterposerClient;

/**
 * A guest TPM engine behind the node's control-channel interposer, without a manager: swtpm's control
 * socket is {@code <domain>.swtpm.ctrl}; QEMU connects to {@code <domain>.ctrl}, which the node's one
 * interposer process (started here in the node's namespaces, as the manager would) serves and where it
 * records the state blobs that cross.
 */
public final class LabInterposedTpm implements LabTpm, AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final LabConfig lab;
    private final LabSwtpm engine;
    private final ConcurrentHashMap<Integer, Process> interposers = new ConcurrentHashMap<>();

    public LabInterposedTpm(LabConfig lab) {
        this.lab = requireNonNull(lab, "lab is null");
        this.engine = new LabSwtpm(lab, ".swtpm.ctrl");
    }

    @Override
    public Path controlSocket(String domainName) {
        return lab.swtpmRunDirectory().resolve(domainName + ".ctrl");
    }

    @Override
    public void startFresh(LabNode node, String domainName) {
        engine.startFresh(node, domainName);
        client(node).serve(channel(domainName), controlSocket(domainName), engine.controlSocket(domainName));
    }

    @Override
    public Optional<Long> runningPid(LabNode node, String domainName) {
        return engine.runningPid(node, domainName);
    }

    /** The engine exits when QEMU leaves (--terminate), and the interposer sees QEMU's connection end. */
    @Override
    public boolean awaitExit(LabNode node, String domainName, Duration timeout) {
        if (!engine.awaitExit(node, domainName, timeout)) {
            return false;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (report(node, domainName).map(ChannelReport::connected).orElse(false)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LabSwtpm.sleep(20);
        }
        return true;
    }

    @Override
    public void kill(LabNode node, String domainName) {
        engine.kill(node, domainName);
        if (interposers.containsKey(node.number())) {
            client(node).forget(channel(domainName));
        }
    }

    /** What the node's interposer saw on the guest's channel (empty if it serves none). */
    public Optional<ChannelReport> report(LabNode node, String domainName) {
        return client(node).report(channel(domainName));
    }

    /** The node's interposer, started in its namespaces on first use. */
    private InterposerClient client(LabNode node) {
        InterposerClient client = new InterposerClient(onHost(node, "interposer.sock"));
        interposers.computeIfAbsent(node.number(), number -> start(node, client));
        return client;
    }

    private Process start(LabNode node, InterposerClient client) {
        Path socket = lab.swtpmRunDirectory().resolve("interposer.sock");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx16m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", LabManager.managerClassPath(),
                "org.vtpcm.collector.interposer.NodeInterposerMain", "--socket", socket.toString(), "--run-dir",
                lab.swtpmRunDirectory().toString()));
        Process process;
        try {
            Files.deleteIfExists(onHost(node, "interposer.sock"));
            process = new ProcessBuilder(node.inNamespaces(command.toArray(new String[0]))).redirectErrorStream(true)
                    .redirectOutput(onHost(node, "interposer.log").toFile()).start();
        } catch (IOException e) {
            throw new LabNotReadyException("cannot start the interposer on " + node + ": " + e.getMessage());
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!client.alive()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new LabNotReadyException("the interposer on " + node + " did not start");
            }
            LabSwtpm.sleep(20);
        }
        return process;
    }

    private Path onHost(LabNode node, String file) {
        return node.directory().resolve("swtpm").resolve(file);
    }

    /** The channel's id: the interposer names channels by vTPCM id; the lab's guests have names. */
    private static UUID channel(String domainName) {
        return UUID.nameUUIDFromBytes(("lab-guest:" + domainName).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        interposers.values().forEach(Process::destroy);
        interposers.clear();
    }
}
