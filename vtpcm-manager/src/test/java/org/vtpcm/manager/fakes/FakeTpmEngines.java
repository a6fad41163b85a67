package org.vtpcm.manager.fakes;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.vtpcm.manager.engine.EngineException;
import org.vtpcm.manager.engine.TpmEngines;
import org.vtpcm.nodeapi.StateEvidence;

/** TPM engines as a set of "running" ids and a set of ids with state. */
public final class FakeTpmEngines implements TpmEngines {
    private final Set<UUID> running = new HashSet<>();
    private final Set<UUID> withState = new HashSet<>();
    public boolean failNextStart;

    @Override
    public Path controlSocket(UUID vtpcmId) {
        return Path.of("/run/vtpcm", vtpcmId + ".ctrl");
    }

    /** What the interposer reports for each vTPCM (none when absent). */
    public final java.util.Map<UUID, StateEvidence> evidence = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public StateEvidence evidence(UUID vtpcmId) {
        return evidence.getOrDefault(vtpcmId, StateEvidence.none());
    }

    @Override
    public byte[] startIncoming(UUID vtpcmId) {
        start(vtpcmId, new byte[32], true);
        return new byte[32];
    }

    @Override
    public synchronized void start(UUID vtpcmId, byte[] stateKey, boolean fresh) {
        if (failNextStart) {
            failNextStart = false;
            throw new EngineException("fake: engine failed");
        }
        if (running.contains(vtpcmId)) {
            throw new EngineException("fake: already running");
        }
        if (fresh) {
            withState.remove(vtpcmId);
        }
        running.add(vtpcmId);
        withState.add(vtpcmId);
    }

    @Override
    public synchronized Optional<Long> runningPid(UUID vtpcmId) {
        return running.contains(vtpcmId) ? Optional.of(4242L) : Optional.empty();
    }

    @Override
    public synchronized void stop(UUID vtpcmId) {
        running.remove(vtpcmId);
    }

    @Override
    public synchronized void eraseState(UUID vtpcmId) {
        if (running.contains(vtpcmId)) {
            throw new EngineException("fake: running");
        }
        withState.remove(vtpcmId);
    }

    @Override
    public synchronized boolean hasState(UUID vtpcmId) {
        return withState.contains(vtpcmId);
    }

    @Override
    public synchronized List<UUID> running() {
        return List.copyOf(running);
    }
}
