package org.vtpcm.protocol.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Objects;
import java.util.function.Supplier;
import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.Signer;

/**
 * The shared shape of both suites: one curve, one hash, one signature scheme and one GCM block
 * cipher. The subclasses only choose the algorithms.
 */
abstract class EcCryptoSuite implements CryptoSuite {

    private final SuiteName name;
    private final String digestAlgorithm;
    private final EcCurve curve;
    private final Hashing hashing;
    private final EcSignatures signatures;
    private final Aead aead;
    private final HybridEncryption hybrid;
    private final SecureRandom random;

    EcCryptoSuite(SuiteName name, String digestAlgorithm, EcCurve curve, Supplier<Digest> digests,
                  Supplier<Signer> signers, Supplier<BlockCipher> blockCiphers, int symmetricKeyLength) {
        this.name = Objects.requireNonNull(name, "name is null");
        this.digestAlgorithm = Objects.requireNonNull(digestAlgorithm, "digestAlgorithm is null");
        this.curve = Objects.requireNonNull(curve, "curve is null");
        this.random = new SecureRandom();
        this.hashing = new Hashing(digests);
        this.signatures = new EcSignatures(curve, signers, random);
        this.aead = new Aead(blockCiphers, symmetricKeyLength, random);
        this.hybrid = new HybridEncryption(name, curve, hashing, aead, random);
    }

    @Override
    public final SuiteName name() {
        return name;
    }

    @Override
    public final byte[] digest(byte[] data) {
        return hashing.digest(data);
    }

    @Override
    public final byte[] digest(InputStream in) throws IOException {
        return hashing.digest(in);
    }

    @Override
    public final String digestAlgorithm() {
        return digestAlgorithm;
    }

    @Override
    public final KeyPair generateSigningKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BouncyCastle.provider());
            generator.initialize(new ECGenParameterSpec(curve.name()), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new CryptoException("cannot generate a key pair on " + curve.name(), e);
        }
    }

    @Override
    public final byte[] sign(PrivateKey key, byte[] data) {
        return signatures.sign(key, data);
    }

    @Override
    public final boolean verify(PublicKey key, byte[] data, byte[] signature) {
        return signatures.verify(key, data, signature);
    }

    @Override
    public final int symmetricKeyLength() {
        return aead.keyLength();
    }

    @Override
    public final byte[] newSymmetricKey() {
        return aead.newKey();
    }

    @Override
    public final byte[] seal(byte[] key, byte[] plaintext, byte[] associatedData) {
        return aead.seal(key, plaintext, associatedData);
    }

    @Override
    public final byte[] open(byte[] key, byte[] sealed, byte[] associatedData) {
        return aead.open(key, sealed, associatedData);
    }

    @Override
    public final byte[] encryptTo(PublicKey recipient, byte[] plaintext, byte[] associatedData) {
        return hybrid.encrypt(curve.publicParameters(recipient), plaintext, associatedData);
    }

    @Override
    public final byte[] decryptWith(PrivateKey recipient, byte[] message, byte[] associatedData) {
        Objects.requireNonNull(recipient, "recipient is null");
        Objects.requireNonNull(message, "message is null");
        try {
            return hybrid.decrypt(curve.privateParameters(recipient), message, associatedData);
        } catch (CryptoException e) {
            throw e;
        } catch (RuntimeException e) {
            // Defensive: whatever a malformed message provokes must surface as a CryptoException.
            throw new CryptoException("cannot decrypt message: " + e.getClass().getSimpleName(), e);
        }
    }

    @Override
    public final byte[] encodePublicKey(PublicKey key) {
        return curve.encodePublic(curve.publicParameters(key));
    }

    @Override
    public final PublicKey decodePublicKey(byte[] der) {
        Objects.requireNonNull(der, "der is null");
        return curve.toJca(curve.publicParameters(der));
    }

    @Override
    public final byte[] encodePrivateKey(PrivateKey key) {
        return curve.encodePrivate(curve.privateParameters(key));
    }

    @Override
    public final PrivateKey decodePrivateKey(byte[] pkcs8) {
        Objects.requireNonNull(pkcs8, "pkcs8 is null");
        return curve.toJca(curve.privateParameters(pkcs8));
    }

    @Override
    public final String toString() {
        return "CryptoSuite[" + name + "]";
    }
}
