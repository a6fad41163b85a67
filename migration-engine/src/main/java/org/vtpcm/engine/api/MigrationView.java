package org.vtpcm.engine.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.vtpcm.engine.journal.MigrationOptions;
import org.vtpcm.engine.journal.MigrationRecord;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.engine.journal.PhaseTiming;
import org.vtpcm.engine.journal.RejectedHost;
import org.vtpcm.engine.journal.VmProgress;
import org.vtpcm.protocol.state.StateDigest;

/** A migration as the API shows it (docs/engine-api.md). */
public record MigrationView(UUID id, UUID vmUuid, String vmName, UUID vtpcmId, String source, String destination, Phase phase,
        Phase outcome, String reason, Instant createdAt, Instant updatedAt, MigrationOptions options, VmProgress progress,
        List<PhaseTiming> phases, List<RejectedHost> rejectedHosts, StateDigest digestLeft, StateDigest digestArrived, Long epoch,
        Long downtimeMs, Long totalMs, boolean switchedOver, boolean cleanupPending) {

    public static MigrationView of(MigrationRecord r) {
        return new MigrationView(r.id(), r.vmUuid(), r.vmName(), r.vtpcmId(), r.source(), r.destination(), r.phase(), r.outcome(),
                r.reason() == null || r.reason().isEmpty() ? null : r.reason(), r.createdAt(), r.updatedAt(), r.options(), r.progress(),
                r.phases(), r.rejectedHosts(), r.digestLeft(), r.digestArrived(), r.epoch(), r.downtimeMillis(), r.totalMillis(),
                r.switchedOver(), r.cleanupPending());
    }
}
