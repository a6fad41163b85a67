package org.vtpcm.manager.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The node's vTPCM TPM engines: one swtpm TPM 2.0 process per vTPCM, owned by the manager (not by
 * libvirt), which is what lets the manager control the engine's state across a migration.
 */
public interface TpmEngines {
    /** The control socket QEMU connects to (libvirt external TPM backend). Same path on every node. */
    Path controlSocket(UUID vtpcmId);

    /** Where the control-channel interposer reports the state blobs it saw (properties file). */
    Path interposerReport(UUID vtpcmId);

    /**
     * Starts the engine for the vTPCM; its state files are encrypted with {@code stateKey}.
     *
     * @param fresh discard any existing state first (an incoming migration loads state from QEMU)
     */
    void start(UUID vtpcmId, byte[] stateKey, boolean fresh);

    /** The engine's pid if it runs. */
    Optional<Long> runningPid(UUID vtpcmId);

    /** Stops the engine (if it runs) and waits for it to exit. Keeps its state. */
    void stop(UUID vtpcmId);

    /** Overwrites and deletes the engine's state. The engine must not run. */
    void eraseState(UUID vtpcmId);

    /** Whether state files exist for the vTPCM. */
    boolean hasState(UUID vtpcmId);

    /** vTPCM ids whose engines run now (from their pid files). */
    List<UUID> running();
}
