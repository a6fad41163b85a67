package org.vtpcm.attestation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts an emulated platform TPM's plain state once, keeping its EK and AK (so the node's
 * enrollment stays valid): a swtpm on the plain state hands out its permanent state blob, a swtpm
 * with the key on a fresh folder takes it and writes it encrypted, then the folders are swapped and
 * the plain state deleted. Needed because swtpm 0.7 refuses plain state once it is given a key.
 * Uses {@code swtpm_ioctl} (package swtpm-tools) on swtpm's control channel.
 */
final class PlainStateEncryption {
    private static final Logger LOG = LoggerFactory.getLogger(PlainStateEncryption.class);
    private static final String SOCKET = "platform-tpm-encrypt.sock";
    private static final String CTRL = "platform-tpm-encrypt.ctrl";
    private static final String IOCTL = "swtpm_ioctl";
    /** CMD_GET_STATEBLOB of the permanent state (EK, AK, persistent handles, NV) into a file. */
    private static final List<String> SAVE_PERMANENT = List.of("--save", "permanent");
    /** CMD_SET_STATEBLOB of the permanent state from a file: swtpm stores it, encrypted with its key. */
    private static final List<String> LOAD_PERMANENT = List.of("--load", "permanent");
    /** CMD_INIT: the TPM starts on the loaded state. */
    private static final List<String> INIT = List.of("-i");
    /** CMD_SHUTDOWN: swtpm writes its state and exits. */
    private static final List<String> SHUTDOWN = List.of("-s");

    private PlainStateEncryption() {
    }

    /** The folder a crash in the middle of {@link #encrypt} leaves the plain state in. */
    static Path plainFolder(Path state) {
        return state.resolveSibling(state.getFileName() + ".plain");
    }

    static void encrypt(String swtpm, Path state, Path run, Path key, Duration timeout) {
        Path encrypting = state.resolveSibling(state.getFileName() + ".encrypting");
        Path plain = plainFolder(state);
        Path work = null;
        try {
            Files.createDirectories(run);
            work = Files.createTempDirectory(run, "platform-tpm-encrypt", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Path blob = work.resolve("permanent.blob");
            deleteRecursively(encrypting);
            Files.createDirectories(encrypting);
            withSwtpm(swtpm, state, run, List.of("--flags", "not-need-init"), timeout,
                    ctrl -> ioctl(swtpm, ctrl, SAVE_PERMANENT, blob, timeout));
            withSwtpm(swtpm, encrypting, run, SwtpmProcess.keyOption(key), timeout, ctrl -> {
                ioctl(swtpm, ctrl, LOAD_PERMANENT, blob, timeout);
                ioctl(swtpm, ctrl, INIT, null, timeout);
            });
            if (PlatformTpmStateKey.condition(encrypting) != PlatformTpmStateKey.Condition.ENCRYPTED) {
                throw new PlatformTpmException("encrypting the emulated platform TPM's state gave no encrypted state in " + encrypting);
            }
            Files.move(state, plain, StandardCopyOption.ATOMIC_MOVE);
            Files.move(encrypting, state, StandardCopyOption.ATOMIC_MOVE);
            deleteRecursively(plain);
            LOG.info("encrypted the emulated platform TPM's plain state in {} with the key in {} (EK and AK kept)", state, key);
        } catch (IOException e) {
            throw new PlatformTpmException("cannot encrypt the emulated platform TPM's plain state in " + state + ": " + e.getMessage(), e);
        } finally {
            if (work != null) {
                deleteRecursively(work);
            }
        }
    }

    private interface ControlWork {
        void run(Path ctrl);
    }

    /** Runs a swtpm on {@code state} that only serves its control channel for {@code work}, then shuts it down. */
    private static void withSwtpm(String swtpm, Path state, Path run, List<String> options, Duration timeout, ControlWork work)
            throws IOException {
        Path ctrl = run.resolve(CTRL);
        Files.deleteIfExists(ctrl);
        Files.deleteIfExists(run.resolve(SOCKET));
        List<String> command = new ArrayList<>(List.of(swtpm, "socket", "--tpm2", "--tpmstate", "dir=" + state,
                "--server", "type=unixio,path=" + run.resolve(SOCKET), "--ctrl", "type=unixio,path=" + ctrl));
        command.addAll(options);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!Files.exists(ctrl)) {
                if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                    throw new PlatformTpmException("swtpm did not open its control channel on " + state + " (exit "
                            + (process.isAlive() ? "none" : process.exitValue()) + ")");
                }
                Thread.sleep(10);
            }
            work.run(ctrl);
            ioctl(swtpm, ctrl, SHUTDOWN, null, timeout);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new PlatformTpmException("swtpm on " + state + " did not shut down");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformTpmException("interrupted while encrypting the platform TPM's state", e);
        } finally {
            process.destroyForcibly();
        }
    }

    private static void ioctl(String swtpm, Path ctrl, List<String> operation, Path file, Duration timeout) {
        Path sibling = Path.of(swtpm).getParent();
        List<String> command = new ArrayList<>(List.of(sibling == null ? IOCTL : sibling.resolve(IOCTL).toString(), "--unix", ctrl.toString()));
        command.addAll(operation);
        if (file != null) {
            command.add(file.toString());
        }
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new PlatformTpmException(IOCTL + " " + operation + " did not finish within " + timeout);
            }
            if (process.exitValue() != 0) {
                throw new PlatformTpmException(IOCTL + " " + operation + " failed (exit " + process.exitValue() + ") on " + ctrl);
            }
        } catch (IOException e) {
            throw new PlatformTpmException("cannot run " + IOCTL + " to encrypt the platform TPM's plain state (install swtpm-tools, or "
                    + "remove the state and enroll the node again): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformTpmException("interrupted while encrypting the platform TPM's state", e);
        }
    }

    private static void deleteRecursively(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new PlatformTpmException("cannot remove " + folder + ": " + e.getMessage(), e);
        }
    }
}
