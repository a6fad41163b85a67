package org.vtpcm.attestation;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Lifecycle of the swtpm process that emulates the node's platform TPM: launch with the state
 * directory and UNIX sockets, wait until it serves, stop it. The process is started with
 * --terminate, so it also exits by itself when the manager's connection goes away.
 */
final class SwtpmProcess {
    static final String SOCKET = "platform-tpm.sock";
    static final String CTRL = "platform-tpm.ctrl";
    static final String PID = "platform-tpm.pid";
    static final String LOG = "platform-tpm.log";
    static final String OUTPUT = "platform-tpm.out";

    /** sun_path holds 108 bytes including the terminating NUL. */
    private static final int MAX_SOCKET_PATH_BYTES = 107;
    private static final Duration STOP_GRACE = Duration.ofSeconds(2);
    private static final int TAIL_BYTES = 2048;

    private final Process process;
    private final Path runDirectory;

    private SwtpmProcess(Process process, Path runDirectory) {
        this.process = process;
        this.runDirectory = runDirectory;
    }

    static SwtpmProcess launch(String executable, Path stateDirectory, Path runDirectory) {
        return launch(executable, stateDirectory, runDirectory, Optional.empty());
    }

    /** Launches swtpm; with a key file, its state files are encrypted with it (AES-256-CBC, the key file holding 32 raw bytes). */
    static SwtpmProcess launch(String executable, Path stateDirectory, Path runDirectory, Optional<Path> stateKey) {
        Path state = stateDirectory.toAbsolutePath().normalize();
        Path run = runDirectory.toAbsolutePath().normalize();
        Path socket = run.resolve(SOCKET);
        Path ctrl = run.resolve(CTRL);
        // swtpm splits option values at ',' and needs an absolute state directory.
        for (Path path : Stream.concat(Stream.of(state, run), stateKey.stream()).toList()) {
            if (path.toString().contains(",")) {
                throw new PlatformTpmException("swtpm cannot use a path containing ',': " + path);
            }
        }
        if (ctrl.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            throw new PlatformTpmException("run directory path too long for a UNIX socket: " + run);
        }
        try {
            Files.createDirectories(state);
            Files.createDirectories(run);
            Files.deleteIfExists(socket); // left over from a manager that died
            Files.deleteIfExists(ctrl);
            Files.deleteIfExists(run.resolve(PID));
        } catch (IOException e) {
            throw new PlatformTpmException("cannot prepare directories for the emulated platform TPM: " + e, e);
        }
        List<String> command = new ArrayList<>(List.of(executable, "socket", "--tpm2",
                "--tpmstate", "dir=" + state,
                "--server", "type=unixio,path=" + socket,
                "--ctrl", "type=unixio,path=" + ctrl,
                "--flags", "startup-clear",
                "--pid", "file=" + run.resolve(PID),
                "--log", "file=" + run.resolve(LOG) + ",level=1",
                "--terminate"));
        stateKey.ifPresent(key -> command.addAll(keyOption(key)));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(run.resolve(OUTPUT).toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        try {
            return new SwtpmProcess(builder.start(), run);
        } catch (IOException e) {
            throw new PlatformTpmException("cannot run the TPM emulator '" + executable
                    + "' for the emulated platform TPM (install it: apt-get install swtpm swtpm-tools): "
                    + e.getMessage(), e);
        }
    }

    /** swtpm's option that encrypts its state files with the key in {@code keyFile} (32 raw bytes, AES-256-CBC). */
    static List<String> keyOption(Path keyFile) {
        return List.of("--key", "file=" + keyFile.toAbsolutePath().normalize() + ",format=binary,mode=aes-256-cbc");
    }

    /** Waits until swtpm accepts a data connection and returns that connection. */
    UnixSocketTpmDevice awaitDataChannel(Duration timeout) {
        Path socket = runDirectory.resolve(SOCKET);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new PlatformTpmException("the emulated platform TPM (swtpm) exited with code "
                        + process.exitValue() + " while starting: " + diagnostics());
            }
            if (Files.exists(socket)) {
                try {
                    return UnixSocketTpmDevice.connect(socket, timeout);
                } catch (IOException notListeningYet) {
                    // the socket file appears just before swtpm listens on it
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new PlatformTpmException("the emulated platform TPM (swtpm) did not start within " + timeout
                        + ": " + diagnostics());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PlatformTpmException("interrupted while starting the emulated platform TPM", e);
            }
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Stops swtpm: it normally exits once its client is gone; otherwise SIGTERM, then SIGKILL. */
    void stop() {
        List<ProcessHandle> children = process.descendants().toList();
        try {
            if (!process.waitFor(200, TimeUnit.MILLISECONDS)) {
                process.destroy();
                if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private String diagnostics() {
        String output = tail(runDirectory.resolve(OUTPUT)) + tail(runDirectory.resolve(LOG));
        return output.isBlank() ? "(no output from swtpm)" : output.strip();
    }

    private static String tail(Path file) {
        if (!Files.isRegularFile(file)) {
            return "";
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, in.length() - TAIL_BYTES);
            byte[] bytes = new byte[(int) (in.length() - start)];
            in.seek(start);
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8) + "\n";
        } catch (IOException e) {
            return "";
        }
    }

    private static java.io.File nullDevice() {
        return new java.io.File("/dev/null");
    }
}
