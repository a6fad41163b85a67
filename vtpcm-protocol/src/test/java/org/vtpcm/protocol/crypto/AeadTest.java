package org.vtpcm.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AeadTest {

    private static final byte[] PLAINTEXT = "vTPCM state blob: NV indices, PCR banks, seeds".getBytes(StandardCharsets.UTF_8);
    private static final byte[] AAD = "vm=42;hop=3".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void keyLengthAndFreshKeys(SuiteName name) {
        CryptoSuite suite = CryptoSuites.of(name);
        assertEquals(name == SuiteName.SM ? 16 : 32, suite.symmetricKeyLength());
        byte[] a = suite.newSymmetricKey();
        byte[] b = suite.newSymmetricKey();
        assertEquals(suite.symmetricKeyLength(), a.length);
        assertFalse(Arrays.equals(a, b));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void roundTripAndLayout(SuiteName name) {
        CryptoSuite suite = CryptoSuites.of(name);
        byte[] key = suite.newSymmetricKey();
        byte[] sealed = suite.seal(key, PLAINTEXT, AAD);
        assertEquals(12 + PLAINTEXT.length + 16, sealed.length);
        assertArrayEquals(PLAINTEXT, suite.open(key, sealed, AAD));
        // Random nonce: sealing twice differs.
        assertFalse(Arrays.equals(sealed, suite.seal(key, PLAINTEXT, AAD)));
        assertFalse(Arrays.equals(Arrays.copyOf(sealed, 12), Arrays.copyOf(suite.seal(key, PLAINTEXT, AAD), 12)));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void emptyPlaintextAndNullAad(SuiteName name) {
        CryptoSuite suite = CryptoSuites.of(name);
        byte[] key = suite.newSymmetricKey();
        byte[] sealed = suite.seal(key, new byte[0], null);
        assertEquals(28, sealed.length);
        assertArrayEquals(new byte[0], suite.open(key, sealed, null));
        // null associated data means the same as empty.
        assertArrayEquals(new byte[0], suite.open(key, sealed, new byte[0]));
        assertArrayEquals(PLAINTEXT, suite.open(key, suite.seal(key, PLAINTEXT, new byte[0]), null));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void largePlaintext(SuiteName name) {
        CryptoSuite suite = CryptoSuites.of(name);
        byte[] key = suite.newSymmetricKey();
        byte[] big = DigestTest.randomBytes(1024 * 1024 + 3, 9);
        assertArrayEquals(big, suite.open(key, suite.seal(key, big, AAD), AAD));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void flippingAnyBitOfNonceCiphertextOrTagFails(SuiteName name) {
        CryptoSuite suite = CryptoSuites.of(name);
        byte[] key = suite.newSymmetricKey();
        byte[] sealed = suite.seal(key, PLAINTEXT, AAD);
        for (int i = 0; i < sealed.length; i++) {
            for (int bit : new int[] {0x01, 0x80}) {
                byte[] bad = sealed.clone();
                bad[i] ^= (byte) bit;
                int index = i;
                CryptoException e = assertThrows(CryptoException.class, () -> suite.open(key, bad, AAD),
                        "byte " + index);
                assertTrue(e.getMessage().startsWith("authentication failed"), e.getMessage());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void wrongKeyWrongAadTruncationAndExtensionFail(SuiteName name) {
        CryptoSuite suite = CryptoSuites.of(name);
        byte[] key = suite.newSymmetricKey();
        byte[] sealed = suite.seal(key, PLAINTEXT, AAD);

        assertThrows(CryptoException.class, () -> suite.open(suite.newSymmetricKey(), sealed, AAD));
        byte[] flippedKey = key.clone();
        flippedKey[0] ^= 1;
        assertThrows(CryptoException.class, () -> suite.open(flippedKey, sealed, AAD));
        assertThrows(CryptoException.class, () -> suite.open(key, sealed, "vm=42;hop=4".getBytes(StandardCharsets.UTF_8)));
        assertThrows(CryptoException.class, () -> suite.open(key, sealed, null));
        assertThrows(CryptoException.class, () -> suite.open(key, sealed, Arrays.copyOf(AAD, AAD.length + 1)));
        for (int length = 0; length < sealed.length; length++) {
            byte[] truncated = Arrays.copyOf(sealed, length);
            assertThrows(CryptoException.class, () -> suite.open(key, truncated, AAD), "length " + length);
        }
        // Dropping bytes from the front shifts the nonce.
        assertThrows(CryptoException.class, () -> suite.open(key, Arrays.copyOfRange(sealed, 1, sealed.length), AAD));
        assertThrows(CryptoException.class, () -> suite.open(key, Arrays.copyOf(sealed, sealed.length + 1), AAD));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void wrongKeyLengthIsRejectedWithoutLeakingTheKey(SuiteName name) {
        CryptoSuite suite = CryptoSuites.of(name);
        byte[] shortKey = new byte[suite.symmetricKeyLength() - 1];
        Arrays.fill(shortKey, (byte) 0x5a);
        CryptoException e = assertThrows(CryptoException.class, () -> suite.seal(shortKey, PLAINTEXT, AAD));
        assertTrue(e.getMessage().contains(String.valueOf(suite.symmetricKeyLength())), e.getMessage());
        assertFalse(e.getMessage().toLowerCase().contains("5a5a"), e.getMessage());
        assertThrows(CryptoException.class, () -> suite.open(shortKey, new byte[64], AAD));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void failureMessagesContainNoKeyMaterial(SuiteName name) {
        CryptoSuite suite = CryptoSuites.of(name);
        byte[] key = suite.newSymmetricKey();
        byte[] sealed = suite.seal(key, PLAINTEXT, AAD);
        sealed[20] ^= 1;
        CryptoException e = assertThrows(CryptoException.class, () -> suite.open(key, sealed, AAD));
        String hex = HexFormat.of().formatHex(key);
        assertFalse(e.getMessage().contains(hex));
        assertFalse(e.getMessage().contains(new String(PLAINTEXT, StandardCharsets.UTF_8)));
    }

    @Test
    void smSealIsStandardSm4Gcm() throws Exception {
        assertStandardGcm(CryptoSuites.of(SuiteName.SM), "SM4/GCM/NoPadding", "SM4");
    }

    @Test
    void nistSealIsStandardAes256Gcm() throws Exception {
        assertStandardGcm(CryptoSuites.of(SuiteName.NIST), "AES/GCM/NoPadding", "AES");
    }

    /** Decrypts our sealed format with an independent GCM implementation. */
    private static void assertStandardGcm(CryptoSuite suite, String transformation, String keyAlgorithm)
            throws Exception {
        byte[] key = suite.newSymmetricKey();
        byte[] sealed = suite.seal(key, PLAINTEXT, AAD);
        Cipher cipher = Cipher.getInstance(transformation, BouncyCastle.provider());
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, keyAlgorithm),
                new GCMParameterSpec(128, sealed, 0, 12));
        cipher.updateAAD(AAD);
        assertArrayEquals(PLAINTEXT, cipher.doFinal(sealed, 12, sealed.length - 12));
    }
}
