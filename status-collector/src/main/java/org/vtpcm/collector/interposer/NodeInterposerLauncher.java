package org.vtpcm.collector.interposer;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the node interposer for the manager when none answers, as a process of its own that
 * survives the manager: detached with setsid(1) (its own session, so the manager's terminal or
 * process group signals do not reach it), stdin from /dev/null, output appended to a log file.
 */
public final class NodeInterposerLauncher {
    /**
     * A small JVM for a relay that holds a few KB per channel: a 16 MB heap, the serial collector (no
     * GC threads), C1 only with one compiler thread and a small code cache, small thread stacks, no
     * perf-data file; the measured idle RSS is in the README's interposer section.
     */
    static final List<String> JVM_OPTIONS = List.of("-Xms8m", "-Xmx16m", "-Xss256k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:CICompilerCount=1", "-XX:ReservedCodeCacheSize=16m", "-XX:MaxMetaspaceSize=48m", "-XX:-UsePerfData");
    static final String MAIN_CLASS = "org.vtpcm.collector.interposer.NodeInterposerMain";
    private static final Logger LOG = LoggerFactory.getLogger(NodeInterposerLauncher.class);

    private NodeInterposerLauncher() {
    }

    /**
     * The pid of the node interposer answering at {@code adminSocket}, started first if none does. An
     * {@link InterposerException} if it does not answer within {@code timeout} (or exits first); its log
     * file then says why.
     */
    public static long ensureRunning(Path adminSocket, Path runDir, String suite, Path pidFile, Path logFile, Duration timeout) {
        requireNonNull(logFile, "logFile is null");
        requireNonNull(timeout, "timeout is null");
        InterposerClient client = new InterposerClient(adminSocket);
        try {
            return client.pid();
        } catch (InterposerException e) {
            LOG.info("no node interposer answers at {} ({}); starting one", adminSocket, e.getMessage());
        }
        List<String> command = command(Path.of(System.getProperty("java.home"), "bin", "java"), System.getProperty("java.class.path"),
                adminSocket, runDir, suite, pidFile);
        Process process;
        try {
            if (logFile.getParent() != null) {
                Files.createDirectories(logFile.getParent());
            }
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().put("MALLOC_ARENA_MAX", "2"); // glibc's per-thread arenas are most of a small JVM's native overhead
            process = builder.start();
        } catch (IOException e) {
            throw new InterposerException("cannot start the node interposer: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                long pid = client.pid();
                LOG.info("node interposer started: pid {}, admin socket {}, log {}", pid, adminSocket, logFile);
                return pid;
            } catch (InterposerException e) {
                if (!process.isAlive()) {
                    throw new InterposerException("the node interposer exited with status " + process.exitValue() + " before answering; see "
                            + logFile, e);
                }
                if (System.nanoTime() > deadline) {
                    throw new InterposerException("the node interposer did not answer at " + adminSocket + " within " + timeout.toMillis()
                            + " ms; see " + logFile, e);
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterposerException("interrupted while waiting for the node interposer", e);
            }
        }
    }

    /** The command line: setsid, then the JVM with {@link #JVM_OPTIONS} and the service's options. */
    static List<String> command(Path java, String classPath, Path adminSocket, Path runDir, String suite, Path pidFile) {
        List<String> command = new ArrayList<>(List.of("setsid", java.toString()));
        command.addAll(JVM_OPTIONS);
        command.addAll(List.of("-cp", requireNonNull(classPath, "classPath is null"), MAIN_CLASS, "--socket", adminSocket.toString(),
                "--run-dir", runDir.toString(), "--suite", requireNonNull(suite, "suite is null")));
        if (pidFile != null) {
            command.addAll(List.of("--pid-file", pidFile.toString()));
        }
        return command;
    }
}
