package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A guest TPM engine with the status collector's control-channel interposer in front: swtpm's
 * control socket is {@code <domain>.swtpm.ctrl}; QEMU connects to {@code <domain>.ctrl}, where an
 * interposer process relays and records the state blobs that cross it into a report file.
 */
public final class LabInterposedTpm implements LabTpm {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final LabConfig lab;
    private final LabSwtpm engine;
    private final ConcurrentHashMap<String, Process> interposers = new ConcurrentHashMap<>();

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
        Path report = report(node, domainName);
        Path socketOnHost = node.directory().resolve("swtpm").resolve(domainName + ".ctrl");
        try {
            Files.deleteIfExists(report);
            Files.deleteIfExists(socketOnHost);
        } catch (IOException e) {
            throw new LabNotReadyException("cannot reset interposer files: " + e.getMessage());
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", LabManager.managerClassPath(),
                "org.vtpcm.collector.swtpm.InterposerMain", "--listen", controlSocket(domainName).toString(),
                "--target", engine.controlSocket(domainName).toString(), "--report", report.toString()));
        Process process;
        try {
            process = new ProcessBuilder(node.inNamespaces(command.toArray(new String[0]))).redirectErrorStream(true)
                    .redirectOutput(node.directory().resolve("swtpm").resolve(domainName + ".interposer.log").toFile()).start();
        } catch (IOException e) {
            throw new LabNotReadyException("cannot start the interposer on " + node + ": " + e.getMessage());
        }
        interposers.put(key(node, domainName), process);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!Files.exists(socketOnHost)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new LabNotReadyException("the interposer for " + domainName + " on " + node + " did not start");
            }
            LabSwtpm.sleep(20);
        }
    }

    @Override
    public Optional<Long> runningPid(LabNode node, String domainName) {
        return engine.runningPid(node, domainName);
    }

    @Override
    public boolean awaitExit(LabNode node, String domainName, Duration timeout) {
        boolean engineGone = engine.awaitExit(node, domainName, timeout);
        Process interposer = interposers.get(key(node, domainName));
        try {
            return engineGone && (interposer == null || interposer.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void kill(LabNode node, String domainName) {
        engine.kill(node, domainName);
        Process interposer = interposers.remove(key(node, domainName));
        if (interposer != null) {
            interposer.destroyForcibly();
        }
    }

    /** What the interposer on the node recorded for the guest (empty until it wrote its first report). */
    public Properties readReport(LabNode node, String domainName) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(report(node, domainName))) {
            properties.load(reader);
        } catch (IOException e) {
            return properties;
        }
        return properties;
    }

    private Path report(LabNode node, String domainName) {
        return node.directory().resolve("swtpm").resolve(domainName + ".interposer.report");
    }

    private static String key(LabNode node, String domainName) {
        return node.number() + "/" + domainName;
    }
}
