package org.vtpcm.collector.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * One stored vTPCM state. The payload is secret: it is copied in and out (callers cannot alias the
 * stored bytes) and never appears in {@link #toString()}.
 */
public record Snapshot(SnapshotId id, UUID migrationId, Instant createdAt, byte[] payload) {

    public Snapshot {
        requireNonNull(id, "id is null");
        requireNonNull(migrationId, "migrationId is null");
        requireNonNull(createdAt, "createdAt is null");
        payload = requireNonNull(payload, "payload is null").clone();
    }

    /** A copy of the state bytes. */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** Length of the payload, without copying it. */
    public int payloadLength() {
        return payload.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Snapshot that && id.equals(that.id) && migrationId.equals(that.migrationId)
                && createdAt.equals(that.createdAt) && Arrays.equals(payload, that.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, migrationId, createdAt, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "Snapshot[id=" + id + ", migrationId=" + migrationId + ", createdAt=" + createdAt
                + ", payloadBytes=" + payload.length + "]";
    }
}
