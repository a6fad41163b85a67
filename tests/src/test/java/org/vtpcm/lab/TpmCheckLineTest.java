package org.vtpcm.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TpmCheckLineTest {
    private static final String PCR = "91257ef005aa180616ea60d1f14bfc02abe61b205530b53ccb718a9b4b784b69";

    @Test
    void parsesAnOkStep() {
        TpmCheckLine line = TpmCheckLine.parse("tpmcheck seq=41 pcr16=" + PCR + " nv=42 ok").orElseThrow();
        assertEquals(41, line.seq());
        assertEquals(PCR, line.pcr16());
        assertEquals(42, line.nv());
        assertTrue(line.ok());
        assertEquals("", line.reason());
    }

    @Test
    void parsesFailedSteps() {
        TpmCheckLine mismatch = TpmCheckLine.parse("tpmcheck seq=7 pcr16=" + PCR + " nv=8 fail reason=pcr16-discontinuity expected=00")
                .orElseThrow();
        assertFalse(mismatch.ok());
        assertEquals("pcr16-discontinuity", mismatch.reason());
        TpmCheckLine toolError = TpmCheckLine.parse("tpmcheck seq=9 fail reason=pcrextend-error").orElseThrow();
        assertFalse(toolError.ok());
        assertEquals(-1, toolError.nv());
        assertEquals("", toolError.pcr16());
    }

    @Test
    void ignoresEverythingElse() {
        assertTrue(TpmCheckLine.parse("tpmcheck boot pcr16=00 nv=1").isEmpty());
        assertTrue(TpmCheckLine.parse("[    1.779651] tpm_crb MSFT0101:00: Disabling hwrng").isEmpty());
        assertTrue(TpmCheckLine.parse("tpmcheck seq=abc ok").isEmpty());
        assertTrue(TpmCheckLine.parse("").isEmpty());
        assertTrue(TpmCheckLine.parse("tpmcheck seq=99999999999999999999999 ok").isEmpty());
    }

    @Test
    void toleratesCarriageReturnsAndSpaces() {
        assertTrue(TpmCheckLine.parse("tpmcheck seq=3 pcr16=" + PCR + " nv=4 ok\r").orElseThrow().ok());
    }

    @Test
    void aFailureCarriesTheToolsFirstErrorLine() {
        TpmCheckLine line = TpmCheckLine.parse("tpmcheck seq=5 fail reason=nvincrement-error detail=ERROR:_Esys_NV_Increment(0x921)")
                .orElseThrow();
        org.junit.jupiter.api.Assertions.assertEquals("nvincrement-error (ERROR:_Esys_NV_Increment(0x921))", line.reason());
        org.junit.jupiter.api.Assertions.assertFalse(line.ok());
    }
}
