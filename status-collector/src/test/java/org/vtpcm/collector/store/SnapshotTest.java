package org.vtpcm.collector.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SnapshotTest {
    private static final SnapshotId ID = new SnapshotId(UUID.randomUUID(), SnapshotKind.FROZEN, 3);
    private static final UUID MIGRATION = UUID.randomUUID();
    private static final Instant AT = Instant.parse("2025-01-02T03:04:05.123456789Z");

    @Test
    void payloadIsCopiedInAndOut() {
        byte[] state = {1, 2, 3};
        Snapshot snapshot = new Snapshot(ID, MIGRATION, AT, state);
        state[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, snapshot.payload());
        snapshot.payload()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, snapshot.payload());
        assertEquals(3, snapshot.payloadLength());
    }

    @Test
    void equalityIsByContent() {
        Snapshot a = new Snapshot(ID, MIGRATION, AT, new byte[] {1, 2});
        assertEquals(a, new Snapshot(ID, MIGRATION, AT, new byte[] {1, 2}));
        assertEquals(a.hashCode(), new Snapshot(ID, MIGRATION, AT, new byte[] {1, 2}).hashCode());
        assertNotEquals(a, new Snapshot(ID, MIGRATION, AT, new byte[] {1, 3}));
        assertNotEquals(a, new Snapshot(ID, MIGRATION, AT.plusNanos(1), new byte[] {1, 2}));
    }

    @Test
    void toStringOmitsThePayload() {
        String text = new Snapshot(ID, MIGRATION, AT, new byte[] {0x5a, 0x5a, 0x5a}).toString();
        assertTrue(text.contains(ID.toString()) && text.contains("payloadBytes=3"), text);
        assertFalse(text.contains("[B@") || text.contains("90, 90") || text.contains("payload="), text);
    }

    @Test
    void rejectsNulls() {
        assertThrows(NullPointerException.class, () -> new Snapshot(null, MIGRATION, AT, new byte[0]));
        assertThrows(NullPointerException.class, () -> new Snapshot(ID, null, AT, new byte[0]));
        assertThrows(NullPointerException.class, () -> new Snapshot(ID, MIGRATION, null, new byte[0]));
        assertThrows(NullPointerException.class, () -> new Snapshot(ID, MIGRATION, AT, null));
    }

    @Test
    void retentionPolicyDefaultsAndValidation() {
        assertEquals(new RetentionPolicy(2, Duration.ofDays(7)), RetentionPolicy.defaults());
        assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(0, Duration.ofDays(1)));
        assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(-1, Duration.ofDays(1)));
        assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(1, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(1, Duration.ofSeconds(-1)));
        assertThrows(NullPointerException.class, () -> new RetentionPolicy(1, null));
    }
}
