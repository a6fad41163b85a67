package org.vtpcm.collector.interposer;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the node interposer for the manager when none answers, as a process of its own that
 * survives the manager: detached with setsid(1) (its own session, so the manager's terminal or
 * process group signals do not reach it), stdin from /dev/null, output appended to a log file.
 */
public final class NodeInterposerLauncher {
    /**
     * A small JVM for a relay that holds a few KB per channel: a 16 MB heap (starting at 4), the serial
     * collector (no GC threads), C1 only with one compiler thread and a small code cache, small thread
     * stacks, no perf-data file. Measured idle RSS with these (JDK 17.0.15): about 66 MB with no channel,
     * 71 MB with logback on the class path as the manager has it, and 0.5 MB more with 20 served; most of
     * it is the JVM itself (a hello-world takes 34 MB with the same flags), JNA, Jackson and
     * BouncyCastle's signed jar (its 1.7 MB manifest is parsed and kept) - the flags change it by a few MB.
     * -Xint would save 6 MB but makes a relayed control command cost about 1 ms instead of 0.13.
     */
    static final List<String> JVM_OPTIONS = List.of("-Xms4m", "-Xmx16m", "-Xss256k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:CICompilerCount=1", "-XX:ReservedCodeCacheSize=16m", "-XX:-UsePerfData");
    /** Gives glibc's freed native memory (compiler arenas, start-up) back to the OS; JDK 17.0.9 and later. */
    static final String TRIM_NATIVE_HEAP = "-XX:TrimNativeHeapInterval=10000";
    static final String MAIN_CLASS = "org.vtpcm.collector.interposer.NodeInterposerMain";
    /** The launching daemon's logging config (the manager names its own), passed on so the service logs the same way. */
    static final String LOGBACK_CONFIGURATION = "logback.configurationFile";
    private static final Logger LOG = LoggerFactory.getLogger(NodeInterposerLauncher.class);
    private static final int USAGE = 2;

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
        List<String> command = command(Path.of(System.getProperty("java.home"), "bin", "java"), Runtime.version(),
                System.getProperty("java.class.path"), Optional.ofNullable(System.getProperty(LOGBACK_CONFIGURATION)), adminSocket, runDir,
                suite, pidFile);
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
                // status 1 may mean another launch won the race: its service answers soon, so keep asking until the deadline
                if (!process.isAlive() && process.exitValue() == USAGE) {
                    throw new InterposerException("the node interposer refused its options (exit " + USAGE + "); see " + logFile, e);
                }
                if (System.nanoTime() > deadline) {
                    String exited = process.isAlive() ? "" : " (it exited with status " + process.exitValue() + ")";
                    throw new InterposerException("the node interposer did not answer at " + adminSocket + " within " + timeout.toMillis()
                            + " ms" + exited + "; see " + logFile, e);
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

    /** The command line: setsid, then the JVM ({@code version}: the child's, the same java.home) with its options and the service's. */
    static List<String> command(Path java, Runtime.Version version, String classPath, Optional<String> logbackConfiguration,
            Path adminSocket, Path runDir, String suite, Path pidFile) {
        List<String> command = new ArrayList<>(List.of("setsid", java.toString()));
        command.addAll(JVM_OPTIONS);
        if (trimsNativeHeap(version)) {
            command.add(TRIM_NATIVE_HEAP);
        }
        logbackConfiguration.ifPresent(file -> command.add("-D" + LOGBACK_CONFIGURATION + "=" + file));
        command.addAll(List.of("-cp", requireNonNull(classPath, "classPath is null"), MAIN_CLASS, "--socket", adminSocket.toString(),
                "--run-dir", runDir.toString(), "--suite", requireNonNull(suite, "suite is null")));
        if (pidFile != null) {
            command.addAll(List.of("--pid-file", pidFile.toString()));
        }
        return command;
    }

    /** -XX:TrimNativeHeapInterval came with JDK 22 and was backported to 17.0.9 and 21.0.1; older JVMs refuse to start with it. */
    static boolean trimsNativeHeap(Runtime.Version version) {
        return switch (version.feature()) {
            case 17 -> version.update() >= 9;
            case 21 -> version.update() >= 1;
            default -> version.feature() >= 22;
        };
    }
}
