package org.vtpcm.manager.engine;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * swtpm processes, one per vTPCM.
 *
 * <p>Layout: state in {@code <stateDir>/<id>/tpm} (AES-256-CBC encrypted by swtpm with the vTPCM's
 * state key), control socket and pid file in {@code <runDir>} (tmpfs: gone after a reboot, as the
 * processes are). The key reaches swtpm through a 0600 file in the run folder that swtpm deletes
 * as soon as it has read it ({@code remove=true}).
 */
public final class SwtpmEngines implements TpmEngines {
    private static final Logger LOG = LoggerFactory.getLogger(SwtpmEngines.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration INTERPOSER_START_TIMEOUT = Duration.ofSeconds(30);

    private final String swtpmBinary;
    private final Path stateDirectory;
    private final Path runDirectory;
    private final String suiteName;

    public SwtpmEngines(String swtpmBinary, Path stateDirectory, Path runDirectory, String suiteName) {
        this.swtpmBinary = requireNonNull(swtpmBinary, "swtpmBinary is null");
        this.suiteName = requireNonNull(suiteName, "suiteName is null");
        this.stateDirectory = requireNonNull(stateDirectory, "stateDirectory is null").toAbsolutePath();
        this.runDirectory = requireNonNull(runDirectory, "runDirectory is null").toAbsolutePath();
    }

    /** The socket QEMU connects to: the interposer's, which relays to {@link #engineSocket(UUID)}. */
    @Override
    public Path controlSocket(UUID vtpcmId) {
        return runDirectory.resolve(vtpcmId + ".ctrl");
    }

    /** swtpm's own control socket, behind the interposer. */
    private Path engineSocket(UUID vtpcmId) {
        return runDirectory.resolve(vtpcmId + ".swtpm.ctrl");
    }

    @Override
    public Path interposerReport(UUID vtpcmId) {
        return runDirectory.resolve(vtpcmId + ".interposer");
    }

    @Override
    public synchronized void start(UUID vtpcmId, byte[] stateKey, boolean fresh) {
        if (runningPid(vtpcmId).isPresent()) {
            throw new EngineException("the TPM engine of vTPCM " + vtpcmId + " already runs");
        }
        Path tpmState = tpmStateDirectory(vtpcmId);
        Path keyFile = runDirectory.resolve(vtpcmId + ".key");
        try {
            if (fresh) {
                eraseState(vtpcmId);
            }
            Files.createDirectories(tpmState);
            Files.createDirectories(runDirectory);
            Files.deleteIfExists(controlSocket(vtpcmId));
            Files.deleteIfExists(engineSocket(vtpcmId));
            Files.deleteIfExists(interposerReport(vtpcmId));
            Files.deleteIfExists(pidFile(vtpcmId));
            Files.deleteIfExists(keyFile);
            Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(keyFile, stateKey, StandardOpenOption.TRUNCATE_EXISTING);
            List<String> command = List.of(swtpmBinary, "socket", "--tpm2",
                    "--tpmstate", "dir=" + tpmState,
                    "--ctrl", "type=unixio,path=" + engineSocket(vtpcmId) + ",mode=0600",
                    "--key", "file=" + keyFile + ",format=binary,mode=aes-256-cbc,remove=true",
                    "--pid", "file=" + pidFile(vtpcmId),
                    "--log", "file=" + vtpcmDirectory(vtpcmId).resolve("swtpm.log") + ",level=1",
                    // exit when QEMU closes the channel: no engine outlives its VM on this node
                    "--terminate",
                    "--daemon");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new EngineException("swtpm for vTPCM " + vtpcmId + " did not daemonize within " + START_TIMEOUT.toSeconds() + "s");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                throw new EngineException("swtpm for vTPCM " + vtpcmId + " failed to start (exit " + process.exitValue() + "): " + output);
            }
            awaitSocket(engineSocket(vtpcmId), vtpcmId);
            startInterposer(vtpcmId);
            awaitSocket(controlSocket(vtpcmId), vtpcmId);
            LOG.info("tpm engine for vtpcm {} started (pid {}, {} state)", vtpcmId, runningPid(vtpcmId).orElse(-1L),
                    fresh ? "fresh" : "existing");
        } catch (IOException e) {
            throw new EngineException("cannot start swtpm for vTPCM " + vtpcmId + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while starting swtpm for vTPCM " + vtpcmId, e);
        } finally {
            try {
                Files.deleteIfExists(keyFile); // normally swtpm already removed it
            } catch (IOException e) {
                LOG.warn("could not remove key file of vtpcm {}: {}", vtpcmId, e.getMessage());
            }
        }
    }

    private void awaitSocket(Path socket, UUID vtpcmId) throws InterruptedException {
        long deadline = System.nanoTime() + INTERPOSER_START_TIMEOUT.toNanos();
        while (!Files.exists(socket) || runningPid(vtpcmId).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new EngineException("the TPM engine of vTPCM " + vtpcmId + " did not open " + socket + " within "
                        + INTERPOSER_START_TIMEOUT.toSeconds() + "s");
            }
            Thread.sleep(10);
        }
    }

    /**
     * The status collector's control-channel interposer, as its own small process: it must share the
     * engine's fate, not the manager's (a manager restart must not cut QEMU's control channel).
     */
    private void startInterposer(UUID vtpcmId) throws IOException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx24m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-cp", System.getProperty("java.class.path"),
                "org.vtpcm.collector.swtpm.InterposerMain", "--listen", controlSocket(vtpcmId).toString(),
                "--target", engineSocket(vtpcmId).toString(), "--report", interposerReport(vtpcmId).toString(),
                "--suite", suiteName);
        Process interposer = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(vtpcmDirectory(vtpcmId).resolve("interposer.log").toFile())).start();
        Files.writeString(runDirectory.resolve(vtpcmId + ".interposer.pid"), Long.toString(interposer.pid()));
    }

    @Override
    public Optional<Long> runningPid(UUID vtpcmId) {
        try {
            long pid = Long.parseLong(Files.readString(pidFile(vtpcmId)).trim());
            Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            // the pid must still be our swtpm for this vTPCM, not a recycled pid
            return handle.filter(process -> commandLine(pid).contains(vtpcmId.toString())).map(ProcessHandle::pid);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public synchronized void stop(UUID vtpcmId) {
        stopInterposer(vtpcmId);
        Optional<ProcessHandle> process = runningPid(vtpcmId).flatMap(ProcessHandle::of);
        if (process.isEmpty()) {
            return;
        }
        process.get().destroy();
        try {
            process.get().onExit().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.get().destroyForcibly();
        }
        LOG.info("tpm engine for vtpcm {} stopped", vtpcmId);
    }

    private void stopInterposer(UUID vtpcmId) {
        try {
            long pid = Long.parseLong(Files.readString(runDirectory.resolve(vtpcmId + ".interposer.pid")).trim());
            ProcessHandle.of(pid).filter(p -> commandLine(pid).contains(vtpcmId.toString())).ifPresent(ProcessHandle::destroy);
        } catch (IOException | NumberFormatException e) {
            LOG.debug("no interposer to stop for vtpcm {}", vtpcmId);
        }
    }

    @Override
    public synchronized void eraseState(UUID vtpcmId) {
        if (runningPid(vtpcmId).isPresent()) {
            throw new EngineException("cannot erase the state of vTPCM " + vtpcmId + ": its engine still runs");
        }
        Path directory = tpmStateDirectory(vtpcmId);
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                if (Files.isRegularFile(path)) {
                    overwrite(path);
                }
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new EngineException("cannot erase the state of vTPCM " + vtpcmId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean hasState(UUID vtpcmId) {
        Path directory = tpmStateDirectory(vtpcmId);
        try (Stream<Path> files = Files.exists(directory) ? Files.list(directory) : Stream.empty()) {
            return files.findAny().isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public List<UUID> running() {
        List<UUID> ids = new ArrayList<>();
        if (!Files.isDirectory(runDirectory)) {
            return List.of();
        }
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(runDirectory, "*.pid")) {
            for (Path pid : pids) {
                String name = pid.getFileName().toString();
                try {
                    UUID id = UUID.fromString(name.substring(0, name.length() - ".pid".length()));
                    if (runningPid(id).isPresent()) {
                        ids.add(id);
                    }
                } catch (IllegalArgumentException e) {
                    LOG.debug("not a vTPCM engine: {}", pid); // e.g. the platform TPM's own pid file
                }
            }
        } catch (IOException e) {
            throw new EngineException("cannot list " + runDirectory + ": " + e.getMessage(), e);
        }
        return List.copyOf(ids);
    }

    private Path vtpcmDirectory(UUID vtpcmId) {
        return stateDirectory.resolve(vtpcmId.toString());
    }

    private Path tpmStateDirectory(UUID vtpcmId) {
        return vtpcmDirectory(vtpcmId).resolve("tpm");
    }

    private Path pidFile(UUID vtpcmId) {
        return runDirectory.resolve(vtpcmId + ".pid");
    }

    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void overwrite(Path file) throws IOException {
        long size = Files.size(file);
        try (var channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer zeros = java.nio.ByteBuffer.allocate(8192);
            long written = 0;
            while (written < size) {
                zeros.clear();
                zeros.limit((int) Math.min(zeros.capacity(), size - written));
                written += channel.write(zeros, written);
            }
            channel.force(true);
        }
    }
}
