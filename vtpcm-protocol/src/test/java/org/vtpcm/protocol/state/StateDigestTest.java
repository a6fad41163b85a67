package org.vtpcm.protocol.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StateDigestTest {
    @Test
    void hexRoundTripsAndEqualityIsByValue() {
        StateDigest digest = StateDigest.parse("AB".repeat(32));
        assertEquals("ab".repeat(32), digest.hex());
        assertEquals(digest, StateDigest.of(java.util.HexFormat.of().parseHex(digest.hex())));
        assertEquals(digest.hashCode(), StateDigest.parse(digest.hex()).hashCode());
    }

    @Test
    void noneIsTheEmptyStringAndMatchesNothingNotEvenItself() {
        assertEquals(StateDigest.NONE, StateDigest.parse(""));
        assertEquals(StateDigest.NONE, StateDigest.parse(null));
        assertEquals("", StateDigest.NONE.hex());
        assertFalse(StateDigest.NONE.isPresent());
        assertFalse(StateDigest.NONE.matches(StateDigest.NONE), "two missing digests prove nothing");
        StateDigest digest = StateDigest.parse("01".repeat(32));
        assertTrue(digest.matches(StateDigest.parse("01".repeat(32))));
        assertNotEquals(digest, StateDigest.parse("02".repeat(32)));
    }

    @Test
    void malformedDigestsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> StateDigest.parse("xyz"));
        assertThrows(IllegalArgumentException.class, () -> StateDigest.parse("ab"), "too short to be a digest");
        assertThrows(IllegalArgumentException.class, () -> StateDigest.parse("ab".repeat(65)), "too long");
    }
}
