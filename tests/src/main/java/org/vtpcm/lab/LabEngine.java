package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.vtpcm.engine.client.EngineClient;
import org.vtpcm.engine.client.EngineClientException;

/**
 * The migration engine running on the lab's controller side (the host, on the bridge address), with
 * the lab's cloud CA as its CA and every lab node as a host. Its log is {@code run/engine/engine.log}.
 */
public final class LabEngine {
    public static final int API_PORT = 9440;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final LabConfig lab;
    private final LabCa ca;
    private Process process;

    public LabEngine(LabConfig lab, LabCa ca) {
        this.lab = requireNonNull(lab, "lab is null");
        this.ca = requireNonNull(ca, "ca is null");
    }

    public Path directory() {
        return lab.labDirectory().resolve("run").resolve("engine");
    }

    public Path configFile() {
        return directory().resolve("engine.conf");
    }

    public Path logFile() {
        return directory().resolve("engine.log");
    }

    /** Writes the config (extra lines appended verbatim). */
    public void configure(String... extraLines) {
        List<String> lines = new ArrayList<>(List.of(
                "# vtpcm-engine of the lab",
                "api.address = " + lab.controllerIp(),
                "api.port = " + API_PORT,
                "state.dir = " + directory().resolve("state"),
                "ca.dir = " + ca.directory(),
                "crypto.suite = sm"));
        List<String> names = new ArrayList<>();
        for (LabNode node : lab.nodes()) {
            names.add(node.name());
            lines.add("host." + node.name() + ".manager = https://" + node.ip() + ":" + LabManager.API_PORT);
            lines.add("host." + node.name() + ".libvirt = " + node.libvirtUri());
        }
        lines.add("hosts = " + String.join(",", names));
        lines.addAll(List.of(extraLines));
        try {
            Files.createDirectories(directory());
            Files.write(configFile(), lines);
        } catch (IOException e) {
            throw new LabNotReadyException("cannot write " + configFile() + ": " + e.getMessage());
        }
    }

    /**
     * Issues a client identity with the engine's own command ({@code vtpcm-engine issue-client}), so
     * the engine's certificate registry knows it: files {@code <name>.key/.crt} and {@code ca.crt} in
     * {@code out}. Answers the command's output.
     */
    public String issueClient(String name, String role, Path out) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-XX:+UseSerialGC", "-cp", LabManager.managerClassPath(), "org.vtpcm.engine.EngineMain", "issue-client", "--config",
                configFile().toString(), "--name", name, "--role", role, "--out", out.toString()));
        return ProcessRunner.run(command, Duration.ofSeconds(60));
    }

    /** Starts the engine and waits until its API answers. */
    public void start() {
        if (process != null && process.isAlive()) {
            throw new LabNotReadyException("the engine already runs");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:+UseSerialGC", "-cp", LabManager.managerClassPath(), "org.vtpcm.engine.EngineMain", "run", "--config",
                configFile().toString()));
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                    logFile().toFile())).start();
        } catch (IOException e) {
            throw new LabNotReadyException("cannot start the engine: " + e.getMessage());
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            try {
                client().send("GET", "/v1/health", null);
                return;
            } catch (EngineClientException e) {
                if (!process.isAlive()) {
                    throw new LabNotReadyException("the engine exited (" + process.exitValue() + "); see " + logFile());
                }
                if (System.nanoTime() > deadline) {
                    throw new LabNotReadyException("the engine did not answer within " + START_TIMEOUT.toSeconds() + "s; see " + logFile());
                }
                LabSwtpm.sleep(200);
            }
        }
    }

    /** SIGKILL: no shutdown hook runs; the journal is all that is left. */
    public void killHard() {
        if (process != null) {
            process.destroyForcibly();
            await();
        }
    }

    /** SIGTERM. */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            await();
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** A client with the lab operator's certificate. */
    public EngineClient client() {
        return new EngineClient(baseUri(), ca.operatorTls());
    }

    public URI baseUri() {
        return URI.create("https://" + lab.controllerIp() + ":" + API_PORT);
    }

    private void await() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new LabNotReadyException("the engine did not exit");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
