package org.vtpcm.engine.journal;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.vtpcm.protocol.state.StateDigest;

/**
 * One migration as the journal holds it.
 *
 * @param nonce 256-bit hex, fresh per migration: the destination's quote and the bundle are bound to it
 * @param outcome null while it runs, then COMMITTED, ROLLED_BACK or FAILED
 * @param switchedOver the VM runs (or sits paused) at the destination: from here the migration only rolls forward
 */
public record MigrationRecord(UUID id, String nonce, UUID vmUuid, String vmName, UUID vtpcmId, String source, String destination,
        Phase phase, Phase outcome, String reason, MigrationOptions options, Instant createdAt, Instant updatedAt, Long epoch,
        StateDigest digestLeft, StateDigest digestArrived, Long downtimeMillis, Long totalMillis, List<RejectedHost> rejectedHosts,
        VmProgress progress, boolean switchedOver, boolean cleanupPending, List<PhaseTiming> phases) {

    public boolean isActive() {
        return outcome == null;
    }

    /** Whether the phase's side effect is done (journaled as done, not only begun). */
    public boolean done(Phase phase) {
        return phases.stream().anyMatch(timing -> timing.phase() == phase && timing.millis() != null);
    }
}
