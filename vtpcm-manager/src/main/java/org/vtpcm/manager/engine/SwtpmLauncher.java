package org.vtpcm.manager.engine;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts one swtpm TPM 2.0 process: state in {@code stateDirectory} (AES-256-CBC encrypted by swtpm
 * with {@code key}), its control socket, its pid file. The key reaches swtpm through a 0600 file that
 * swtpm deletes as soon as it has read it ({@code remove=true}). The process exits when its control
 * connection closes ({@code --terminate}): no engine outlives its VM.
 */
final class SwtpmLauncher {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final String swtpmBinary;

    SwtpmLauncher(String swtpmBinary) {
        this.swtpmBinary = requireNonNull(swtpmBinary, "swtpmBinary is null");
    }

    /** Where one engine keeps its files. */
    record EngineFiles(Path stateDirectory, Path controlSocket, Path pidFile, Path logFile, Path keyFile) {
    }

    /** Starts the engine and waits until its control socket and pid file exist; answers its pid. */
    long start(EngineFiles files, byte[] key, String what) {
        try {
            Files.createDirectories(files.stateDirectory());
            Files.createDirectories(files.controlSocket().getParent());
            Files.deleteIfExists(files.controlSocket());
            Files.deleteIfExists(files.pidFile());
            Files.deleteIfExists(files.keyFile());
            Files.createFile(files.keyFile(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(files.keyFile(), key, StandardOpenOption.TRUNCATE_EXISTING);
            List<String> command = List.of(swtpmBinary, "socket", "--tpm2",
                    "--tpmstate", "dir=" + files.stateDirectory(),
                    "--ctrl", "type=unixio,path=" + files.controlSocket() + ",mode=0600",
                    "--key", "file=" + files.keyFile() + ",format=binary,mode=aes-256-cbc,remove=true",
                    "--pid", "file=" + files.pidFile(),
                    "--log", "file=" + files.logFile() + ",level=1",
                    "--terminate",
                    "--daemon");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new EngineException("swtpm for " + what + " did not daemonize within " + START_TIMEOUT.toSeconds() + "s");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                throw new EngineException("swtpm for " + what + " failed to start (exit " + process.exitValue() + "): " + output);
            }
            return awaitReady(files, what);
        } catch (IOException e) {
            throw new EngineException("cannot start swtpm for " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while starting swtpm for " + what, e);
        } finally {
            try {
                Files.deleteIfExists(files.keyFile()); // normally swtpm already removed it
            } catch (IOException e) {
                // the run folder is the manager's own (0700); the next start of this engine deletes it
            }
        }
    }

    /** swtpm --daemon returns after it forked; the socket and the pid file follow within milliseconds. */
    private static long awaitReady(EngineFiles files, String what) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (Files.exists(files.controlSocket())) {
                try {
                    return Long.parseLong(Files.readString(files.pidFile()).trim());
                } catch (IOException | NumberFormatException e) {
                    // not written yet
                }
            }
            if (System.nanoTime() > deadline) {
                throw new EngineException("swtpm for " + what + " did not open " + files.controlSocket() + " within "
                        + START_TIMEOUT.toSeconds() + "s");
            }
            Thread.sleep(2);
        }
    }
}
