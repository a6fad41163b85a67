package org.vtpcm.engine.protocol;

import java.time.Duration;
import java.time.Instant;

/** The time decisions of Nova-driven migrations, as pure functions (the sweep and the hooks only call them). */
final class NovaRunPolicy {
    private NovaRunPolicy() {
    }

    /** A run Nova left unfinished before its switchover for longer than the timeout is rolled back. */
    static boolean expired(Instant createdAt, boolean switchedOver, Instant now, Duration timeout) {
        return !switchedOver && createdAt.plus(timeout).isBefore(now);
    }

    /** The destination's attestation must be done again before its state leaves the source (never attested counts as stale). */
    static boolean attestationStale(Instant attestedAt, Instant now, Duration freshness) {
        return attestedAt == null || attestedAt.plus(freshness).isBefore(now);
    }
}
