package org.vtpcm.collector.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class ExpectationTest {

    private static final UUID MIGRATION = UUID.randomUUID();
    private static final UUID VTPCM = UUID.randomUUID();

    @Test
    void validatesItsFields() {
        byte[] nonce = new byte[32];
        assertThrows(NullPointerException.class, () -> new Expectation(null, nonce, VTPCM, 1, "n"));
        assertThrows(NullPointerException.class, () -> new Expectation(MIGRATION, null, VTPCM, 1, "n"));
        assertThrows(NullPointerException.class, () -> new Expectation(MIGRATION, nonce, null, 1, "n"));
        assertThrows(NullPointerException.class, () -> new Expectation(MIGRATION, nonce, VTPCM, 1, null));
        assertThrows(IllegalArgumentException.class, () -> new Expectation(MIGRATION, new byte[31], VTPCM, 1, "n"));
        assertThrows(IllegalArgumentException.class, () -> new Expectation(MIGRATION, nonce, VTPCM, 0, "n"));
        assertThrows(IllegalArgumentException.class, () -> new Expectation(MIGRATION, nonce, VTPCM, 1, "a b"));
    }

    @Test
    void copiesNonceAndHidesIt() {
        byte[] nonce = new byte[32];
        java.util.Arrays.fill(nonce, (byte) 0x5a);
        Expectation expectation = new Expectation(MIGRATION, nonce, VTPCM, 3, "node-2");
        nonce[0] = 0;
        assertEquals(0x5a, expectation.nonce()[0]);
        expectation.nonce()[1] = 0;
        assertEquals(0x5a, expectation.nonce()[1]);
        assertFalse(expectation.toString().toLowerCase().contains("5a5a5a"), expectation.toString());
    }

    @Test
    void equalityComparesContents() {
        byte[] nonce = new byte[32];
        Expectation a = new Expectation(MIGRATION, nonce, VTPCM, 3, "node-2");
        Expectation b = new Expectation(MIGRATION, nonce.clone(), VTPCM, 3, "node-2");
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertArrayEquals(a.nonce(), b.nonce());
        byte[] other = new byte[32];
        other[0] = 1;
        assertNotEquals(a, new Expectation(MIGRATION, other, VTPCM, 3, "node-2"));
    }
}
