package org.vtpcm.protocol.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;
import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * GCM over a 128-bit block cipher (SM4 or AES) with a random 96-bit nonce.
 * Sealed form: nonce (12) || ciphertext || tag (16).
 */
final class Aead {

    static final int NONCE_LENGTH = 12;
    static final int TAG_LENGTH = 16;

    private final Supplier<BlockCipher> engines;
    private final int keyLength;
    private final SecureRandom random;

    Aead(Supplier<BlockCipher> engines, int keyLength, SecureRandom random) {
        this.engines = Objects.requireNonNull(engines, "engines is null");
        this.keyLength = keyLength;
        this.random = Objects.requireNonNull(random, "random is null");
    }

    int keyLength() {
        return keyLength;
    }

    byte[] newKey() {
        byte[] key = new byte[keyLength];
        random.nextBytes(key);
        return key;
    }

    byte[] seal(byte[] key, byte[] plaintext, byte[] associatedData) {
        Objects.requireNonNull(plaintext, "plaintext is null");
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        GCMModeCipher gcm = cipher(true, key, nonce, associatedData);
        byte[] out = new byte[NONCE_LENGTH + gcm.getOutputSize(plaintext.length)];
        System.arraycopy(nonce, 0, out, 0, NONCE_LENGTH);
        int n = gcm.processBytes(plaintext, 0, plaintext.length, out, NONCE_LENGTH);
        try {
            gcm.doFinal(out, NONCE_LENGTH + n);
        } catch (InvalidCipherTextException e) {
            throw new CryptoException("encryption failed", e);
        }
        return out;
    }

    byte[] open(byte[] key, byte[] sealed, byte[] associatedData) {
        Objects.requireNonNull(sealed, "sealed is null");
        if (sealed.length < NONCE_LENGTH + TAG_LENGTH) {
            throw new CryptoException("authentication failed: sealed data is truncated ("
                    + sealed.length + " bytes, at least " + (NONCE_LENGTH + TAG_LENGTH) + " expected)");
        }
        byte[] nonce = Arrays.copyOf(sealed, NONCE_LENGTH);
        GCMModeCipher gcm = cipher(false, key, nonce, associatedData);
        int inLength = sealed.length - NONCE_LENGTH;
        byte[] out = new byte[gcm.getOutputSize(inLength)];
        try {
            int n = gcm.processBytes(sealed, NONCE_LENGTH, inLength, out, 0);
            n += gcm.doFinal(out, n);
            return n == out.length ? out : Arrays.copyOf(out, n);
        } catch (InvalidCipherTextException | RuntimeException e) {
            Arrays.fill(out, (byte) 0);
            throw new CryptoException("authentication failed: wrong key, wrong associated data or tampered data");
        }
    }

    private GCMModeCipher cipher(boolean encrypt, byte[] key, byte[] nonce, byte[] associatedData) {
        Objects.requireNonNull(key, "key is null");
        if (key.length != keyLength) {
            throw new CryptoException("symmetric key must be " + keyLength + " bytes, got " + key.length);
        }
        GCMModeCipher gcm = GCMBlockCipher.newInstance(engines.get());
        byte[] aad = associatedData == null ? new byte[0] : associatedData;
        gcm.init(encrypt, new AEADParameters(new KeyParameter(key), TAG_LENGTH * 8, nonce, aad));
        return gcm;
    }
}
