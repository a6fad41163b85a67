package org.vtpcm.manager.engine;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.nodeapi.StateEvidence;

/**
 * swtpm processes, one per vTPCM, each behind the node's control-channel interposer.
 *
 * <p>Layout: a vTPCM's state in {@code <stateDir>/<id>/tpm} (AES-256-CBC encrypted by swtpm with the
 * vTPCM's state key), control sockets and pid files in {@code <runDir>} (tmpfs: gone after a reboot,
 * as the processes are). An engine taken from the pool keeps its state where it was started,
 * {@code <stateDir>/engines/<engineId>}, and {@code <stateDir>/<id>/tpm} links there. Which engine
 * serves a vTPCM is recorded in {@code <runDir>/<id>.engine}; without that record (an engine started
 * by an earlier version) the engine id is the vTPCM id.
 */
public final class SwtpmEngines implements TpmEngines, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SwtpmEngines.class);
    private static final String POOLED = "pool-";

    private final SwtpmLauncher launcher;
    private final ControlChannels channels;
    private final Path stateDirectory;
    private final Path runDirectory;
    private final SwtpmPool pool;
    private final SecureRandom random = new SecureRandom();

    /** @param poolSize how many engines with empty state are kept ready for incoming migrations (0: none, each is started on demand) */
    public SwtpmEngines(String swtpmBinary, Path stateDirectory, Path runDirectory, ControlChannels channels, int poolSize) {
        this.launcher = new SwtpmLauncher(swtpmBinary);
        this.channels = requireNonNull(channels, "channels is null");
        this.stateDirectory = requireNonNull(stateDirectory, "stateDirectory is null").toAbsolutePath();
        this.runDirectory = requireNonNull(runDirectory, "runDirectory is null").toAbsolutePath();
        this.pool = new SwtpmPool(poolSize, this::startPooled);
    }

    /**
     * At start: makes sure the node's interposer runs, stops and erases pool members an earlier manager process left (their keys are lost),
     * has the interposer serve every engine that still runs (a restarted interposer serves nothing),
     * and fills the pool.
     */
    public void open() {
        channels.open();
        discardLeftovers();
        for (UUID id : running()) {
            channels.serve(id, controlSocket(id), record(id).socket());
        }
        pool.fill();
    }

    /** Pooled engines ready now. */
    public int poolReady() {
        return pool.ready();
    }

    @Override
    public Path controlSocket(UUID vtpcmId) {
        return runDirectory.resolve(vtpcmId + ".ctrl");
    }

    @Override
    public StateEvidence evidence(UUID vtpcmId) {
        return channels.evidence(vtpcmId);
    }

    @Override
    public synchronized void start(UUID vtpcmId, byte[] stateKey, boolean fresh) {
        if (runningPid(vtpcmId).isPresent()) {
            throw new EngineException("the TPM engine of vTPCM " + vtpcmId + " already runs");
        }
        if (fresh) {
            eraseState(vtpcmId);
        }
        SwtpmLauncher.EngineFiles files = new SwtpmLauncher.EngineFiles(tpmStateDirectory(vtpcmId),
                runDirectory.resolve(vtpcmId + ".swtpm.ctrl"), runDirectory.resolve(vtpcmId + ".pid"),
                vtpcmDirectory(vtpcmId).resolve("swtpm.log"), runDirectory.resolve(vtpcmId + ".key"));
        long pid = launcher.start(files, stateKey, "vTPCM " + vtpcmId);
        serve(vtpcmId, new Record(vtpcmId.toString(), files.controlSocket(), files.pidFile()));
        LOG.info("tpm engine for vtpcm {} started (pid {}, {} state)", vtpcmId, pid, fresh ? "fresh" : "existing");
    }

    @Override
    public synchronized byte[] startIncoming(UUID vtpcmId) {
        if (runningPid(vtpcmId).isPresent()) {
            throw new EngineException("the TPM engine of vTPCM " + vtpcmId + " already runs");
        }
        Optional<SwtpmPool.Member> taken = pool.take();
        if (taken.isEmpty()) {
            byte[] key = new byte[SwtpmPool.KEY_BYTES];
            random.nextBytes(key);
            start(vtpcmId, key, true);
            LOG.info("no pooled tpm engine ready: started one for incoming vtpcm {}", vtpcmId);
            return key;
        }
        SwtpmPool.Member member = taken.get();
        eraseState(vtpcmId);
        try {
            Files.createDirectories(vtpcmDirectory(vtpcmId));
            Files.createSymbolicLink(tpmStateDirectory(vtpcmId), member.files().stateDirectory());
        } catch (IOException e) {
            ProcessHandle.of(member.pid()).ifPresent(ProcessHandle::destroy);
            throw new EngineException("cannot give pooled engine " + member.engineId() + " to vTPCM " + vtpcmId + ": " + e.getMessage(), e);
        }
        serve(vtpcmId, new Record(member.engineId(), member.files().controlSocket(), member.files().pidFile()));
        LOG.info("pooled tpm engine {} (pid {}) given to incoming vtpcm {}", member.engineId(), member.pid(), vtpcmId);
        return member.key();
    }

    private SwtpmPool.Member startPooled(String engineId, byte[] key) {
        Path engines = stateDirectory.resolve("engines");
        SwtpmLauncher.EngineFiles files = new SwtpmLauncher.EngineFiles(engines.resolve(engineId),
                runDirectory.resolve(engineId + ".swtpm.ctrl"), runDirectory.resolve(engineId + ".pid"),
                engines.resolve(engineId + ".log"), runDirectory.resolve(engineId + ".key"));
        return new SwtpmPool.Member(engineId, launcher.start(files, key, "pooled engine " + engineId), files, key);
    }

    /** Records which engine serves the vTPCM, then has the interposer front it; an engine the interposer refuses is stopped. */
    private void serve(UUID vtpcmId, Record record) {
        try {
            writeRecord(vtpcmId, record);
            channels.serve(vtpcmId, controlSocket(vtpcmId), record.socket());
        } catch (RuntimeException e) {
            stop(vtpcmId);
            throw new EngineException("the control-channel interposer does not serve vTPCM " + vtpcmId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Long> runningPid(UUID vtpcmId) {
        Record record = record(vtpcmId);
        try {
            long pid = Long.parseLong(Files.readString(record.pidFile()).trim());
            // the pid must still be the engine's swtpm, not a recycled pid
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(process -> commandLine(pid).contains(record.engineId()))
                    .map(ProcessHandle::pid);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public synchronized void stop(UUID vtpcmId) {
        try {
            channels.forget(vtpcmId);
        } catch (RuntimeException e) {
            LOG.warn("the interposer did not forget vtpcm {}: {}", vtpcmId, e.getMessage());
        }
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

    @Override
    public synchronized void eraseState(UUID vtpcmId) {
        if (runningPid(vtpcmId).isPresent()) {
            throw new EngineException("cannot erase the state of vTPCM " + vtpcmId + ": its engine still runs");
        }
        Path directory = tpmStateDirectory(vtpcmId);
        try {
            if (Files.isSymbolicLink(directory)) {
                Path target = Files.readSymbolicLink(directory);
                erase(target);
                Files.deleteIfExists(target.resolveSibling(target.getFileName() + ".log"));
                Files.delete(directory);
            } else {
                erase(directory);
            }
            Files.deleteIfExists(runDirectory.resolve(vtpcmId + ".engine"));
        } catch (IOException e) {
            throw new EngineException("cannot erase the state of vTPCM " + vtpcmId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean hasState(UUID vtpcmId) {
        Path directory = tpmStateDirectory(vtpcmId);
        try (Stream<Path> files = Files.isDirectory(directory) ? Files.list(directory) : Stream.empty()) {
            return files.findAny().isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public List<UUID> running() {
        if (!Files.isDirectory(runDirectory)) {
            return List.of();
        }
        Set<UUID> ids = new HashSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(runDirectory, "*.{pid,engine}")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                vtpcmId(name.substring(0, name.lastIndexOf('.'))).filter(id -> runningPid(id).isPresent()).ifPresent(ids::add);
            }
        } catch (IOException e) {
            throw new EngineException("cannot list " + runDirectory + ": " + e.getMessage(), e);
        }
        return List.copyOf(ids);
    }

    /** Pool members of an earlier manager process, not given to any vTPCM: their keys are gone, so they are stopped and erased. */
    private void discardLeftovers() {
        if (!Files.isDirectory(runDirectory)) {
            return;
        }
        // an engine a vTPCM was given keeps its state in the pool's folder for good (linked from the vTPCM's): never discard those
        Set<String> given = new HashSet<>(linkedEngines());
        List<String> members = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(runDirectory, "*.{pid,engine}")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String stem = name.substring(0, name.lastIndexOf('.'));
                if (name.endsWith(".engine")) {
                    vtpcmId(stem).ifPresent(id -> given.add(record(id).engineId()));
                } else if (stem.startsWith(POOLED)) {
                    members.add(stem);
                }
            }
        } catch (IOException e) {
            throw new EngineException("cannot list " + runDirectory + ": " + e.getMessage(), e);
        }
        for (String engineId : members) {
            if (given.contains(engineId)) {
                continue;
            }
            try {
                long pid = Long.parseLong(Files.readString(runDirectory.resolve(engineId + ".pid")).trim());
                ProcessHandle.of(pid).filter(process -> commandLine(pid).contains(engineId)).ifPresent(ProcessHandle::destroyForcibly);
                Path engines = stateDirectory.resolve("engines");
                erase(engines.resolve(engineId));
                Files.deleteIfExists(engines.resolve(engineId + ".log"));
                Files.deleteIfExists(runDirectory.resolve(engineId + ".pid"));
                Files.deleteIfExists(runDirectory.resolve(engineId + ".swtpm.ctrl"));
                LOG.info("discarded pooled tpm engine {} of an earlier manager process", engineId);
            } catch (IOException | NumberFormatException e) {
                LOG.warn("could not discard pooled tpm engine {}: {}", engineId, e.getMessage());
            }
        }
    }

    /** The engine folders vTPCMs' state links to. */
    private Set<String> linkedEngines() {
        Set<String> linked = new HashSet<>();
        if (!Files.isDirectory(stateDirectory)) {
            return linked;
        }
        try (DirectoryStream<Path> vtpcms = Files.newDirectoryStream(stateDirectory)) {
            for (Path vtpcm : vtpcms) {
                Path tpm = vtpcm.resolve("tpm");
                if (Files.isSymbolicLink(tpm)) {
                    linked.add(Files.readSymbolicLink(tpm).getFileName().toString());
                }
            }
        } catch (IOException e) {
            throw new EngineException("cannot list " + stateDirectory + ": " + e.getMessage(), e);
        }
        return linked;
    }

    /** Which engine serves a vTPCM: its id (in its command line), control socket and pid file. */
    record Record(String engineId, Path socket, Path pidFile) {
    }

    private Record record(UUID vtpcmId) {
        Path file = runDirectory.resolve(vtpcmId + ".engine");
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
            String engineId = properties.getProperty("engine");
            if (engineId != null && engineId.matches("[A-Za-z0-9-]{1,64}")) {
                return new Record(engineId, runDirectory.resolve(engineId + ".swtpm.ctrl"), runDirectory.resolve(engineId + ".pid"));
            }
        } catch (IOException e) {
            // none: an engine started by an earlier version, named after its vTPCM
        }
        return new Record(vtpcmId.toString(), runDirectory.resolve(vtpcmId + ".swtpm.ctrl"), runDirectory.resolve(vtpcmId + ".pid"));
    }

    private void writeRecord(UUID vtpcmId, Record record) {
        Path file = runDirectory.resolve(vtpcmId + ".engine");
        Path temporary = runDirectory.resolve(vtpcmId + ".engine.tmp");
        Properties properties = new Properties();
        properties.setProperty("engine", record.engineId());
        try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            properties.store(writer, "the swtpm engine serving vTPCM " + vtpcmId);
        } catch (IOException e) {
            throw new EngineException("cannot record the engine of vTPCM " + vtpcmId + ": " + e.getMessage(), e);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new EngineException("cannot record the engine of vTPCM " + vtpcmId + ": " + e.getMessage(), e);
        }
    }

    private static Optional<UUID> vtpcmId(String text) {
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // a pool member, or the platform TPM's own files
        }
    }

    private Path vtpcmDirectory(UUID vtpcmId) {
        return stateDirectory.resolve(vtpcmId.toString());
    }

    private Path tpmStateDirectory(UUID vtpcmId) {
        return vtpcmDirectory(vtpcmId).resolve("tpm");
    }

    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Overwrites every file under {@code directory}, then deletes it; nothing there is fine. */
    private static void erase(Path directory) throws IOException {
        if (!Files.exists(directory, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                if (Files.isRegularFile(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    overwrite(path);
                }
                Files.delete(path);
            }
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

    @Override
    public void close() {
        pool.close();
    }
}
