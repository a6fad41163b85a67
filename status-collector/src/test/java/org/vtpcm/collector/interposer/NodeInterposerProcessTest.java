package org.vtpcm.collector.interposer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.collector.swtpm.QemuLikeClient;
import org.vtpcm.collector.swtpm.SwtpmProcessFixture;

/** The node interposer as the manager runs it: its own detached process, started by {@link NodeInterposerLauncher}. */
@Timeout(120)
class NodeInterposerProcessTest {
    private static final byte[] TPM2_GET_RANDOM_16 = HexFormat.of().parseHex("80010000000c0000017b0010");

    @TempDir
    Path folder;
    private long interposerPid = -1;

    @AfterEach
    void killTheInterposer() throws Exception {
        if (interposerPid > 0) {
            Optional<ProcessHandle> process = ProcessHandle.of(interposerPid);
            if (process.isPresent()) {
                process.get().destroy();
                if (!awaitExit(process.get(), 5)) {
                    process.get().destroyForcibly();
                    awaitExit(process.get(), 5);
                }
            }
        }
    }

    @Test
    void startsOnceAnswersRelaysAndStopsCleanlyOnSigterm() throws Exception {
        Path runDir = Files.createDirectories(folder.resolve("run"));
        Path adminSocket = runDir.resolve("interposer.sock");
        Path pidFile = runDir.resolve("interposer.pid");
        Path log = folder.resolve("log/interposer.log");
        interposerPid = NodeInterposerLauncher.ensureRunning(adminSocket, runDir, "sm", pidFile, log, Duration.ofSeconds(20));
        assertNotEquals(ProcessHandle.current().pid(), interposerPid);
        assertEquals(Long.toString(interposerPid), Files.readString(pidFile).trim());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(adminSocket)));
        assertEquals(interposerPid, NodeInterposerLauncher.ensureRunning(adminSocket, runDir, "sm", pidFile, log, Duration.ofSeconds(20)),
                "a running one is reused");
        InterposerClient client = new InterposerClient(adminSocket);
        assertTrue(client.alive());
        ProcessHandle process = ProcessHandle.of(interposerPid).orElseThrow();

        long idle = rssKb(interposerPid);
        try (SwtpmProcessFixture engine = new SwtpmProcessFixture(Files.createDirectories(folder.resolve("engine")), false, true)) {
            UUID vtpcm = UUID.randomUUID();
            client.serve(vtpcm, runDir.resolve(vtpcm + ".ctrl"), engine.controlSocket);
            try (QemuLikeClient qemu = QemuLikeClient.connect(runDir.resolve(vtpcm + ".ctrl"))) {
                assertArrayEquals(HexFormat.of().parseHex("80010000001c00000000"), Arrays.copyOf(qemu.tpmCommand(TPM2_GET_RANDOM_16), 10));
                assertTrue(client.report(vtpcm).orElseThrow().connected());
            }
            for (int i = 1; i < 20; i++) {
                client.serve(UUID.randomUUID(), runDir.resolve("vm" + i + ".ctrl"), folder.resolve("engine" + i + ".ctrl"));
            }
        }
        assertEquals(20, client.channels().size());
        Thread.sleep(500);
        long withTwenty = rssKb(interposerPid);
        System.out.printf("node interposer idle RSS: %d KiB with 0 channels, %d KiB with 20 served channels%n", idle, withTwenty);

        process.destroy(); // SIGTERM
        assertTrue(awaitExit(process, 10), "SIGTERM stops it");
        assertFalse(Files.exists(adminSocket), "the admin socket is removed");
        assertFalse(Files.exists(pidFile), "the pid file is removed");
        assertFalse(Files.exists(runDir.resolve("vm1.ctrl")), "channel sockets are removed");
        assertFalse(client.alive());
        assertTrue(Files.readString(log).contains("ready on " + adminSocket), Files.readString(log));
    }

    @Test
    void survivesTheProcessThatLaunchedItBeingKilled() throws Exception {
        Path runDir = Files.createDirectories(folder.resolve("run"));
        Path adminSocket = runDir.resolve("interposer.sock");
        Process manager = java(LauncherProbe.class.getName(), adminSocket.toString(), runDir.toString(), runDir.resolve("interposer.pid").toString(),
                folder.resolve("interposer.log").toString());
        try {
            String line = firstLine(manager, 30);
            assertTrue(line.startsWith("interposer "), line);
            interposerPid = Long.parseLong(line.substring("interposer ".length()).trim());
            manager.destroyForcibly(); // SIGKILL, as when the manager crashes
            assertTrue(manager.waitFor(10, TimeUnit.SECONDS));
            Thread.sleep(300);
            InterposerClient client = new InterposerClient(adminSocket);
            assertTrue(client.alive(), "the interposer outlives its launcher");
            assertEquals(interposerPid, client.pid());
        } finally {
            manager.destroyForcibly();
        }
    }

    @Test
    void launchesRacingEachOtherStartOneService() throws Exception {
        Path runDir = Files.createDirectories(folder.resolve("run"));
        Path adminSocket = runDir.resolve("interposer.sock");
        java.util.concurrent.ExecutorService launchers = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            List<java.util.concurrent.Future<Long>> pids = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                pids.add(launchers.submit(() -> NodeInterposerLauncher.ensureRunning(adminSocket, runDir, "sm", null,
                        folder.resolve("interposer.log"), Duration.ofSeconds(30))));
            }
            interposerPid = pids.get(0).get(60, TimeUnit.SECONDS);
            for (java.util.concurrent.Future<Long> pid : pids) {
                assertEquals(interposerPid, pid.get(60, TimeUnit.SECONDS));
            }
        } finally {
            launchers.shutdownNow();
        }
        Thread.sleep(500);
        long running = ProcessHandle.allProcesses()
                .filter(process -> process.info().commandLine().orElse("").contains(NodeInterposerLauncher.MAIN_CLASS + " --socket " + adminSocket))
                .count();
        assertEquals(1, running, "the losers of the race exited");
    }

    @Test
    void badOptionsPrintUsageAndExitTwoWithoutAStackTrace() throws Exception {
        for (List<String> options : List.of(List.of("--bogus", "x"), List.of("--socket", folder.resolve("s").toString()),
                List.of("--socket", folder.resolve("s").toString(), "--run-dir", folder.resolve("missing").toString()),
                List.of("--socket", folder.resolve("s").toString(), "--run-dir", folder.toString(), "--suite", "rsa"))) {
            String[] args = new String[options.size() + 1];
            args[0] = NodeInterposerLauncher.MAIN_CLASS;
            for (int i = 0; i < options.size(); i++) {
                args[i + 1] = options.get(i);
            }
            Process process = java(args);
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(2, process.exitValue(), output);
            assertTrue(output.contains("usage: NodeInterposerMain --socket"), output);
            assertFalse(output.contains("Exception") || output.contains("\tat "), output);
        }
    }

    @Test
    void aSecondInstanceOnTheSameSocketRefusesToStart() throws Exception {
        Path runDir = Files.createDirectories(folder.resolve("run"));
        Path adminSocket = runDir.resolve("interposer.sock");
        interposerPid = NodeInterposerLauncher.ensureRunning(adminSocket, runDir, "sm", null, folder.resolve("interposer.log"),
                Duration.ofSeconds(20));
        Process second = java(NodeInterposerLauncher.MAIN_CLASS, "--socket", adminSocket.toString(), "--run-dir", runDir.toString());
        assertTrue(second.waitFor(30, TimeUnit.SECONDS));
        String output = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, second.exitValue(), output);
        assertTrue(output.contains("already answers"), output);
        assertEquals(interposerPid, new InterposerClient(adminSocket).pid(), "the running one keeps its socket");
    }

    private static Process java(String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path")));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String firstLine(Process process, int seconds) throws Exception {
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            if (reader.ready()) {
                String line = reader.readLine();
                if (line != null && line.startsWith("interposer ")) {
                    return line;
                }
                seen.append(line).append('\n');
            } else if (!process.isAlive()) {
                break;
            } else {
                Thread.sleep(20);
            }
        }
        return "no pid line; output: " + seen;
    }

    private static boolean awaitExit(ProcessHandle process, int seconds) throws Exception {
        try {
            process.onExit().get(seconds, TimeUnit.SECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    /** VmRSS from /proc/PID/status, in KiB. */
    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }
}
