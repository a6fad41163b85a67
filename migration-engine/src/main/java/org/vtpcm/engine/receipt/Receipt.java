package org.vtpcm.engine.receipt;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;
import java.util.UUID;
import org.vtpcm.protocol.state.StateDigest;

/**
 * What a committed migration proves: which vTPCM moved where, the state digests on both sides, the
 * epoch it has now, and how long each phase took. Signed by the engine.
 */
@JsonPropertyOrder({"migrationId", "vmUuid", "vtpcmId", "source", "destination", "digestLeft", "digestArrived", "epoch", "phases",
    "totalMs", "downtimeMs", "qemuDowntimeMs", "verificationPauseMs", "committedAt"})
public record Receipt(UUID migrationId, UUID vmUuid, UUID vtpcmId, String source, String destination, StateDigest digestLeft,
        StateDigest digestArrived, long epoch, Map<String, Long> phases, long totalMs, long downtimeMs, long qemuDowntimeMs,
        long verificationPauseMs, String committedAt) {
}
