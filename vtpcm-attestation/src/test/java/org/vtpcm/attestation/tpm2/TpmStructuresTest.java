package org.vtpcm.attestation.tpm2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tss.Crypto;
import tss.tpm.TPM_ALG_ID;

class TpmStructuresTest {
    @Test
    void readerRejectsTruncationAndTrailingBytes() {
        TpmReader in = new TpmReader(new byte[] {0, 5, 1, 2});
        assertThrows(TpmFormatException.class, in::sized);
        TpmReader whole = new TpmReader(new byte[] {0, 1, 7, 9});
        assertArrayEquals(new byte[] {7}, whole.sized());
        assertThrows(TpmFormatException.class, () -> whole.expectEnd("X"));
        assertThrows(TpmFormatException.class, () -> new TpmReader(null));
    }

    @Test
    void kdfaMatchesTheTssJavaImplementation() {
        byte[] seed = HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
        byte[] name = HexFormat.of().parseHex("000b" + "ab".repeat(32));
        assertArrayEquals(Crypto.KDFa(TPM_ALG_ID.SHA256, seed, "STORAGE", name, new byte[0], 128),
                Kdfa.sha256(seed, "STORAGE", name, new byte[0], 128));
        assertArrayEquals(Crypto.KDFa(TPM_ALG_ID.SHA256, seed, "INTEGRITY", new byte[0], new byte[0], 512),
                Kdfa.sha256(seed, "INTEGRITY", new byte[0], new byte[0], 512));
        assertThrows(IllegalArgumentException.class, () -> Kdfa.sha256(seed, "X", new byte[0], new byte[0], 7));
    }

    @Test
    void parsersRejectGarbageWithTheirOwnException() {
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] garbage = new byte[random.nextInt(120)];
            random.nextBytes(garbage);
            expectFormatErrorOrSuccess(() -> TpmPublicArea.parse(garbage).toPublicKey());
            expectFormatErrorOrSuccess(() -> TpmQuoteAttest.parse(garbage));
            expectFormatErrorOrSuccess(() -> TpmSignature.parse(garbage));
        }
    }

    @Test
    void signatureWithWrongKeyTypeDoesNotVerify() throws Exception {
        java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        // ECDSA signature layout: sigAlg, hash, r, s
        byte[] ecdsa = HexFormat.of().parseHex("0018000b0001010001" + "02");
        assertFalse(TpmSignature.parse(ecdsa).verify(rsa.generateKeyPair().getPublic(),
                "x".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(TpmAlgorithms.TPM_ALG_ECDSA, TpmSignature.parse(ecdsa).sigAlg());
    }

    private static void expectFormatErrorOrSuccess(Runnable parse) {
        try {
            parse.run();
        } catch (TpmFormatException expected) {
            // the only failure a parser may report
        }
    }
}
