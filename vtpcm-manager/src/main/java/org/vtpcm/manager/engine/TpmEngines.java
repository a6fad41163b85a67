package org.vtpcm.manager.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.vtpcm.nodeapi.StateEvidence;

/**
 * The node's vTPCM TPM engines: one swtpm TPM 2.0 process per vTPCM, owned by the manager (not by
 * libvirt), which is what lets the manager control the engine's state across a migration; QEMU
 * reaches each through the node's control-channel interposer.
 */
public interface TpmEngines {
    /** The control socket QEMU connects to (libvirt external TPM backend). Same path on every node. */
    Path controlSocket(UUID vtpcmId);

    /** What the interposer saw cross the vTPCM's control channel: the digests of the state QEMU fetched and loaded. */
    StateEvidence evidence(UUID vtpcmId);

    /**
     * Starts the engine for the vTPCM; its state files are encrypted with {@code stateKey}.
     *
     * @param fresh discard any existing state first
     */
    void start(UUID vtpcmId, byte[] stateKey, boolean fresh);

    /**
     * An engine with empty state for an incoming migration (QEMU loads the state into it), without
     * waiting for a process start where a ready one is at hand; answers the at-rest key its state is
     * encrypted with, which the caller keeps as the vTPCM's state key.
     */
    byte[] startIncoming(UUID vtpcmId);

    /** The engine's pid if it runs. */
    Optional<Long> runningPid(UUID vtpcmId);

    /** Stops the engine (if it runs) and waits for it to exit. Keeps its state. */
    void stop(UUID vtpcmId);

    /** Overwrites and deletes the engine's state. The engine must not run. */
    void eraseState(UUID vtpcmId);

    /** Whether state files exist for the vTPCM. */
    boolean hasState(UUID vtpcmId);

    /** vTPCM ids whose engines run now. */
    List<UUID> running();
}
