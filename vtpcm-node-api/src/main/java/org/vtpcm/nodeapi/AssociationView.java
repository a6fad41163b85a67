package org.vtpcm.nodeapi;

import java.time.Instant;
import java.util.UUID;

/**
 * A vTPCM's association row as the node API shows it: state is one of the manager's association
 * states (RUNNING, MIGRATING_OUT, MIGRATING_IN, STAGED, ...); migrationId names the migration the
 * vTPCM is in, null outside one.
 */
public record AssociationView(UUID vtpcmId, UUID vmUuid, String vmName, String state, long epoch, String host, String policy,
        Instant createdAt, Instant updatedAt, String attention, UUID migrationId) {
    /** The state of a vTPCM whose VM runs with it. */
    public static final String RUNNING = "RUNNING";
    /** The state of a vTPCM staged at a destination, waiting for its commit. */
    public static final String STAGED = "STAGED";

    public boolean running() {
        return RUNNING.equals(state);
    }

    /** The same row, named by the host the caller knows the node as. */
    public AssociationView onHost(String name) {
        return new AssociationView(vtpcmId, vmUuid, vmName, state, epoch, name, policy, createdAt, updatedAt, attention, migrationId);
    }
}
