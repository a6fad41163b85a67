package org.vtpcm.protocol.crypto;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.agreement.ECDHBasicAgreement;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.util.BigIntegers;

/**
 * Hybrid public-key encryption (ECIES style): a fresh ephemeral key pair on the recipient's curve,
 * plain ECDH, HKDF over {@code Z || E || R}, then the suite's AEAD with the header as part of the
 * associated data. The message layout and key derivation are specified on {@link CryptoSuite};
 * keep the two in step.
 */
final class HybridEncryption {

    static final byte VERSION = 1;
    private static final int HEADER_FIXED = 4;

    private final SuiteName suite;
    private final EcCurve curve;
    private final Hashing kdfHash;
    private final Aead aead;
    private final SecureRandom random;

    HybridEncryption(SuiteName suite, EcCurve curve, Hashing kdfHash, Aead aead, SecureRandom random) {
        this.suite = Objects.requireNonNull(suite, "suite is null");
        this.curve = Objects.requireNonNull(curve, "curve is null");
        this.kdfHash = Objects.requireNonNull(kdfHash, "kdfHash is null");
        this.aead = Objects.requireNonNull(aead, "aead is null");
        this.random = Objects.requireNonNull(random, "random is null");
    }

    static byte suiteId(SuiteName suite) {
        return switch (suite) {
            case SM -> 1;
            case NIST -> 2;
        };
    }

    byte[] encrypt(ECPublicKeyParameters recipient, byte[] plaintext, byte[] associatedData) {
        Objects.requireNonNull(plaintext, "plaintext is null");
        ECKeyPairGenerator generator = new ECKeyPairGenerator();
        generator.init(new ECKeyGenerationParameters(curve.domain(), random));
        AsymmetricCipherKeyPair ephemeral = generator.generateKeyPair();
        ECPublicKeyParameters ephemeralPublic = (ECPublicKeyParameters) ephemeral.getPublic();
        byte[] ephemeralDer = curve.encodePublic(ephemeralPublic);

        byte[] header = new byte[HEADER_FIXED + ephemeralDer.length];
        header[0] = VERSION;
        header[1] = suiteId(suite);
        header[2] = (byte) (ephemeralDer.length >>> 8);
        header[3] = (byte) ephemeralDer.length;
        System.arraycopy(ephemeralDer, 0, header, HEADER_FIXED, ephemeralDer.length);

        byte[] key = deriveKey((ECPrivateKeyParameters) ephemeral.getPrivate(), recipient, ephemeralPublic, recipient);
        try {
            byte[] sealed = aead.seal(key, plaintext, concat(header, associatedData));
            return concat(header, sealed);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    byte[] decrypt(ECPrivateKeyParameters recipient, byte[] message, byte[] associatedData) {
        Objects.requireNonNull(message, "message is null");
        if (message.length < HEADER_FIXED) {
            throw new CryptoException("encrypted message is truncated (" + message.length + " bytes)");
        }
        if (message[0] != VERSION) {
            throw new CryptoException("unsupported encrypted message version " + (message[0] & 0xff)
                    + " (expected " + VERSION + ")");
        }
        if (message[1] != suiteId(suite)) {
            throw new CryptoException("encrypted message is for " + describeSuite(message[1])
                    + ", not suite " + suite);
        }
        int keyLength = ((message[2] & 0xff) << 8) | (message[3] & 0xff);
        int headerLength = HEADER_FIXED + keyLength;
        if (message.length < headerLength + Aead.NONCE_LENGTH + Aead.TAG_LENGTH) {
            throw new CryptoException("encrypted message is truncated (" + message.length + " bytes)");
        }
        byte[] header = Arrays.copyOf(message, headerLength);
        ECPublicKeyParameters ephemeralPublic;
        try {
            ephemeralPublic = curve.publicParameters(Arrays.copyOfRange(header, HEADER_FIXED, headerLength));
        } catch (CryptoException e) {
            throw new CryptoException("encrypted message has an invalid ephemeral public key: " + e.getMessage(), e);
        }
        byte[] key = deriveKey(recipient, ephemeralPublic, ephemeralPublic, curve.publicOf(recipient));
        try {
            return aead.open(key, Arrays.copyOfRange(message, headerLength, message.length),
                    concat(header, associatedData));
        } catch (CryptoException e) {
            throw new CryptoException("authentication failed: wrong recipient key, wrong associated data"
                    + " or tampered message");
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private byte[] deriveKey(ECPrivateKeyParameters own, ECPublicKeyParameters other,
                             ECPublicKeyParameters ephemeral, ECPublicKeyParameters recipient) {
        ECDHBasicAgreement agreement = new ECDHBasicAgreement();
        agreement.init(own);
        BigInteger z = agreement.calculateAgreement(other);
        byte[] shared = BigIntegers.asUnsignedByteArray(curve.fieldSize(), z);
        byte[] ikm = concat(concat(shared, ephemeral.getQ().getEncoded(false)), recipient.getQ().getEncoded(false));
        byte[] info = ("vtpcm-hybrid-v1/" + suite).getBytes(StandardCharsets.US_ASCII);
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(kdfHash.newDigest());
        hkdf.init(new HKDFParameters(ikm, null, info));
        byte[] key = new byte[aead.keyLength()];
        hkdf.generateBytes(key, 0, key.length);
        Arrays.fill(shared, (byte) 0);
        Arrays.fill(ikm, (byte) 0);
        return key;
    }

    private static String describeSuite(byte id) {
        for (SuiteName name : SuiteName.values()) {
            if (suiteId(name) == id) {
                return "suite " + name;
            }
        }
        return "unknown suite id " + (id & 0xff);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        if (b == null) {
            return a.clone();
        }
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
