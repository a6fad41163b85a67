package org.vtpcm.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HybridEncryptionTest {

    private static final byte[] PLAINTEXT = "SM4 key for the vTPCM state of vm-42".getBytes(StandardCharsets.UTF_8);
    private static final byte[] AAD = "transfer-id=7".getBytes(StandardCharsets.UTF_8);

    private static SuiteName other(SuiteName name) {
        return SignatureTest.other(name);
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void roundTrip(SuiteName name) {
        CryptoSuite suite = CryptoSuites.of(name);
        KeyPair recipient = suite.generateSigningKeyPair();
        byte[] message = suite.encryptTo(recipient.getPublic(), PLAINTEXT, AAD);
        assertArrayEquals(PLAINTEXT, suite.decryptWith(recipient.getPrivate(), message, AAD));
        // Fresh ephemeral key and nonce every time.
        assertFalse(Arrays.equals(message, suite.encryptTo(recipient.getPublic(), PLAINTEXT, AAD)));
        assertArrayEquals(new byte[0], suite.decryptWith(recipient.getPrivate(),
                suite.encryptTo(recipient.getPublic(), new byte[0], null), null));
        byte[] big = DigestTest.randomBytes(300_000, 5);
        assertArrayEquals(big, suite.decryptWith(recipient.getPrivate(),
                suite.encryptTo(recipient.getPublic(), big, AAD), AAD));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void roundTripThroughEncodedKeys(SuiteName name) {
        CryptoSuite suite = CryptoSuites.of(name);
        KeyPair recipient = suite.generateSigningKeyPair();
        byte[] message = suite.encryptTo(suite.decodePublicKey(suite.encodePublicKey(recipient.getPublic())),
                PLAINTEXT, AAD);
        assertArrayEquals(PLAINTEXT, suite.decryptWith(
                suite.decodePrivateKey(suite.encodePrivateKey(recipient.getPrivate())), message, AAD));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void layoutIsAsDocumented(SuiteName name) {
        CryptoSuite suite = CryptoSuites.of(name);
        KeyPair recipient = suite.generateSigningKeyPair();
        byte[] message = suite.encryptTo(recipient.getPublic(), PLAINTEXT, AAD);
        assertEquals(1, message[0]);
        assertEquals(name == SuiteName.SM ? 1 : 2, message[1]);
        int keyLength = ((message[2] & 0xff) << 8) | (message[3] & 0xff);
        byte[] ephemeral = Arrays.copyOfRange(message, 4, 4 + keyLength);
        // The ephemeral key decodes as a key on the suite's curve.
        suite.decodePublicKey(ephemeral);
        assertEquals(4 + keyLength + 12 + PLAINTEXT.length + 16, message.length);
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void wrongRecipientFails(SuiteName name) {
        CryptoSuite suite = CryptoSuites.of(name);
        byte[] message = suite.encryptTo(suite.generateSigningKeyPair().getPublic(), PLAINTEXT, AAD);
        CryptoException e = assertThrows(CryptoException.class,
                () -> suite.decryptWith(suite.generateSigningKeyPair().getPrivate(), message, AAD));
        assertTrue(e.getMessage().startsWith("authentication failed"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void wrongAssociatedDataFails(SuiteName name) {
        CryptoSuite suite = CryptoSuites.of(name);
        KeyPair recipient = suite.generateSigningKeyPair();
        byte[] message = suite.encryptTo(recipient.getPublic(), PLAINTEXT, AAD);
        assertThrows(CryptoException.class, () -> suite.decryptWith(recipient.getPrivate(), message, null));
        assertThrows(CryptoException.class, () -> suite.decryptWith(recipient.getPrivate(), message,
                "transfer-id=8".getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void flippingAnyByteFailsWithCryptoException(SuiteName name) {
        CryptoSuite suite = CryptoSuites.of(name);
        KeyPair recipient = suite.generateSigningKeyPair();
        byte[] message = suite.encryptTo(recipient.getPublic(), PLAINTEXT, AAD);
        for (int i = 0; i < message.length; i++) {
            byte[] bad = message.clone();
            bad[i] ^= 0x01;
            int index = i;
            // assertThrows with the exact type: any other exception type fails the test.
            assertThrows(CryptoException.class, () -> suite.decryptWith(recipient.getPrivate(), bad, AAD),
                    "byte " + index);
        }
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void truncationAtEveryLengthFailsWithCryptoException(SuiteName name) {
        CryptoSuite suite = CryptoSuites.of(name);
        KeyPair recipient = suite.generateSigningKeyPair();
        byte[] message = suite.encryptTo(recipient.getPublic(), PLAINTEXT, AAD);
        for (int length = 0; length < message.length; length++) {
            byte[] truncated = Arrays.copyOf(message, length);
            int n = length;
            assertThrows(CryptoException.class,
                    () -> suite.decryptWith(recipient.getPrivate(), truncated, AAD), "length " + n);
        }
        assertThrows(CryptoException.class, () -> suite.decryptWith(recipient.getPrivate(),
                Arrays.copyOf(message, message.length + 1), AAD));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void versionAndSuiteBytesAreChecked(SuiteName name) {
        CryptoSuite suite = CryptoSuites.of(name);
        KeyPair recipient = suite.generateSigningKeyPair();
        byte[] message = suite.encryptTo(recipient.getPublic(), PLAINTEXT, AAD);

        byte[] version2 = message.clone();
        version2[0] = 2;
        CryptoException e = assertThrows(CryptoException.class,
                () -> suite.decryptWith(recipient.getPrivate(), version2, AAD));
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());

        byte[] unknownSuite = message.clone();
        unknownSuite[1] = 9;
        e = assertThrows(CryptoException.class, () -> suite.decryptWith(recipient.getPrivate(), unknownSuite, AAD));
        assertTrue(e.getMessage().contains("unknown suite id 9"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void crossSuiteMessagesAndKeysAreRejected(SuiteName name) {
        CryptoSuite suite = CryptoSuites.of(name);
        CryptoSuite otherSuite = CryptoSuites.of(other(name));
        KeyPair mine = suite.generateSigningKeyPair();
        KeyPair theirs = otherSuite.generateSigningKeyPair();

        byte[] message = suite.encryptTo(mine.getPublic(), PLAINTEXT, AAD);
        CryptoException e = assertThrows(CryptoException.class,
                () -> otherSuite.decryptWith(theirs.getPrivate(), message, AAD));
        assertTrue(e.getMessage().contains("suite " + name), e.getMessage());
        // Even with the right key, the other suite refuses (the key is not on its curve).
        assertThrows(CryptoException.class, () -> otherSuite.decryptWith(mine.getPrivate(), message, AAD));
        // Encrypting to a key on the wrong curve is refused up front.
        e = assertThrows(CryptoException.class, () -> suite.encryptTo(theirs.getPublic(), PLAINTEXT, AAD));
        assertTrue(e.getMessage().contains("not on curve"), e.getMessage());
        assertThrows(CryptoException.class, () -> suite.decryptWith(theirs.getPrivate(), message, AAD));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void rsaKeysAreRejected(SuiteName name) throws Exception {
        CryptoSuite suite = CryptoSuites.of(name);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        KeyPair rsa = generator.generateKeyPair();
        assertThrows(CryptoException.class, () -> suite.encryptTo(rsa.getPublic(), PLAINTEXT, AAD));
        byte[] message = suite.encryptTo(suite.generateSigningKeyPair().getPublic(), PLAINTEXT, AAD);
        assertThrows(CryptoException.class, () -> suite.decryptWith(rsa.getPrivate(), message, AAD));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void garbageIsRejectedWithCryptoException(SuiteName name) {
        CryptoSuite suite = CryptoSuites.of(name);
        KeyPair recipient = suite.generateSigningKeyPair();
        byte id = (byte) (name == SuiteName.SM ? 1 : 2);
        byte[][] garbage = {
            new byte[0],
            {1},
            {1, id, (byte) 0xff, (byte) 0xff},
            {1, id, 0, 0, 1, 2, 3},
            withTail(new byte[] {1, id, 0, 3, 0x30, 0x01, 0x00}, 40),
            withTail(new byte[] {1, id, 0, 0}, 40),
            DigestTest.randomBytes(200, 77),
        };
        for (byte[] message : garbage) {
            assertThrows(CryptoException.class, () -> suite.decryptWith(recipient.getPrivate(), message, AAD),
                    Arrays.toString(message));
        }
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void ephemeralKeyFromAnotherCurveIsRejected(SuiteName name) {
        CryptoSuite suite = CryptoSuites.of(name);
        CryptoSuite otherSuite = CryptoSuites.of(other(name));
        KeyPair recipient = suite.generateSigningKeyPair();
        byte[] message = suite.encryptTo(recipient.getPublic(), PLAINTEXT, AAD);
        int keyLength = ((message[2] & 0xff) << 8) | (message[3] & 0xff);
        byte[] foreign = otherSuite.encodePublicKey(otherSuite.generateSigningKeyPair().getPublic());
        assertEquals(keyLength, foreign.length);
        byte[] spliced = message.clone();
        System.arraycopy(foreign, 0, spliced, 4, foreign.length);
        CryptoException e = assertThrows(CryptoException.class,
                () -> suite.decryptWith(recipient.getPrivate(), spliced, AAD));
        assertTrue(e.getMessage().contains("ephemeral"), e.getMessage());
    }

    private static byte[] withTail(byte[] head, int tail) {
        return Arrays.copyOf(head, head.length + tail);
    }
}
