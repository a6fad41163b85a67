package org.vtpcm.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SuiteNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"sm", "SM", "Sm", " sm "})
    void parsesSm(String text) {
        assertEquals(SuiteName.SM, SuiteName.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"nist", "NIST", "Nist"})
    void parsesNist(String text) {
        assertEquals(SuiteName.NIST, SuiteName.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "aes", "sm2", "nist-p256"})
    void rejectsUnknownNamesListingTheAllowedOnes(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SuiteName.parse(text));
        assertTrue(e.getMessage().contains("sm, nist"), e.getMessage());
    }

    @Test
    void rejectsNull() {
        assertThrows(NullPointerException.class, () -> SuiteName.parse(null));
    }

    @Test
    void factoryReturnsTheMatchingImplementation() {
        assertTrue(CryptoSuites.of(SuiteName.SM) instanceof SmCryptoSuite);
        assertTrue(CryptoSuites.of(SuiteName.NIST) instanceof NistCryptoSuite);
        assertEquals(SuiteName.SM, CryptoSuites.of(SuiteName.SM).name());
        assertEquals(SuiteName.NIST, CryptoSuites.of(SuiteName.NIST).name());
        assertThrows(NullPointerException.class, () -> CryptoSuites.of(null));
    }
}
