package org.vtpcm.collector.store;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How many snapshots {@link SnapshotStore#applyRetention()} keeps per vTPCM and kind, and how old
 * (by {@link Snapshot#createdAt()}) any snapshot may get before it is dropped.
 */
public record RetentionPolicy(int keepPerVtpcm, Duration maxAge) {

    public RetentionPolicy {
        if (keepPerVtpcm < 1) {
            throw new IllegalArgumentException("keepPerVtpcm must be >= 1, was " + keepPerVtpcm);
        }
        requireNonNull(maxAge, "maxAge is null");
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("maxAge must be positive, was " + maxAge);
        }
    }

    /** Keep the newest 2 per vTPCM and kind, none older than 7 days. */
    public static RetentionPolicy defaults() {
        return new RetentionPolicy(2, Duration.ofDays(7));
    }
}
