package org.vtpcm.attestation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReferenceValuesTest {
    private final byte[] digest = TestTpms.sha256("agent".getBytes());

    @Test
    void allowsExactlyTheGivenTriples() {
        ReferenceValues values = ReferenceValues.builder().allow(8, "agent", digest).build();
        assertTrue(values.allows(new PlatformEvent(8, "agent", digest)));
        assertFalse(values.allows(new PlatformEvent(9, "agent", digest)), "a value is allowed only in its own PCR");
        assertEquals(java.util.Set.of(8), values.pcrs());
        assertFalse(values.allows(new PlatformEvent(8, "other", digest)));
        assertFalse(values.allows(new PlatformEvent(8, "agent", TestTpms.sha256("evil".getBytes()))));
        assertFalse(values.allows(null));
    }

    @Test
    void fromEventsIsImmutableAndCopiesInput() {
        List<PlatformEvent> events = new ArrayList<>(List.of(new PlatformEvent(8, "a", digest)));
        byte[] mutable = digest.clone();
        ReferenceValues.Builder builder = ReferenceValues.builder().allow(8, "b", mutable);
        ReferenceValues fromEvents = ReferenceValues.fromEvents(events);
        ReferenceValues built = builder.build();
        events.add(new PlatformEvent(8, "c", digest));
        mutable[0] ^= 1;
        builder.allow(8, "d", digest);
        assertEquals(1, fromEvents.size());
        assertEquals(1, built.size());
        assertTrue(built.allows(new PlatformEvent(8, "b", digest)));
    }

    @Test
    void rejectsMalformedPairs() {
        assertThrows(IllegalArgumentException.class, () -> ReferenceValues.builder().allow(8, "x", new byte[20]));
        assertThrows(IllegalArgumentException.class, () -> ReferenceValues.builder().allow(24, "x", digest));
        assertThrows(NullPointerException.class, () -> ReferenceValues.builder().allow(8, null, digest));
    }

    @Test
    void eventsCopyTheirDigest() {
        byte[] mutable = digest.clone();
        PlatformEvent event = new PlatformEvent(0, "x", mutable);
        mutable[0] ^= 1;
        event.sha256Digest()[1] ^= 1;
        assertEquals(new PlatformEvent(0, "x", digest), event);
        assertThrows(IllegalArgumentException.class, () -> new PlatformEvent(24, "x", digest));
    }
}
