package org.vtpcm.protocol.crypto;

/**
 * A cryptographic operation failed: bad key, failed authentication, malformed input.
 * Messages never contain key material or plaintext.
 */
public final class CryptoException extends RuntimeException {

    public CryptoException(String message) {
        super(message);
    }

    public CryptoException(String message, Throwable cause) {
        super(message, cause);
    }
}
