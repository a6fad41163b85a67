package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/**
 * The vTPCM a migration moves, as its source node listed it when the migration opened.
 *
 * @param epoch the vTPCM's epoch at the source; the destination's is {@link #newEpoch()}
 * @param policy its control policy text (known only to the process that opened the migration; "deny" after a restart)
 */
public record SourceVtpcm(String host, String vmName, UUID vtpcmId, long epoch, String policy) {
    public SourceVtpcm {
        requireNonNull(host, "host is null");
        requireNonNull(vtpcmId, "vtpcmId is null");
        policy = policy == null ? "deny" : policy;
    }

    /** The epoch the vTPCM gets at the destination. */
    public long newEpoch() {
        return epoch + 1;
    }
}
