package org.vtpcm.protocol.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * One consistent set of algorithms: digest, signature, AEAD and hybrid public-key encryption.
 * Obtain one with {@link CryptoSuites#of(SuiteName)}. Implementations are thread-safe.
 *
 * <table>
 *   <caption>Algorithms</caption>
 *   <tr><th></th><th>SM</th><th>NIST</th></tr>
 *   <tr><td>digest</td><td>SM3</td><td>SHA-256</td></tr>
 *   <tr><td>signature</td><td>SM2 on sm2p256v1 with SM3, user id "1234567812345678"</td>
 *       <td>ECDSA on P-256 with SHA-256</td></tr>
 *   <tr><td>AEAD</td><td>SM4-GCM (16-byte key)</td><td>AES-256-GCM (32-byte key)</td></tr>
 *   <tr><td>hybrid</td><td>ECDH on sm2p256v1, HKDF-SM3, SM4-GCM</td>
 *       <td>ECDH on P-256, HKDF-SHA256, AES-256-GCM</td></tr>
 * </table>
 *
 * <p>Wherever {@code associatedData} appears, {@code null} means "none" (same as an empty array).
 *
 * <h2>Sealed data ({@link #seal})</h2>
 * {@code nonce (12 random bytes) || ciphertext || tag (16 bytes)}.
 *
 * <h2>Hybrid encryption message ({@link #encryptTo})</h2>
 * All integers big-endian:
 * <pre>
 *   offset  size  field
 *   0       1     version, currently 0x01
 *   1       1     suite id: 0x01 = SM, 0x02 = NIST
 *   2       2     L, length of the ephemeral public key (unsigned)
 *   4       L     ephemeral public key, X.509 SubjectPublicKeyInfo DER (named curve, uncompressed point)
 *   4+L     rest  sealed data as above: nonce (12) || ciphertext || tag (16)
 * </pre>
 * The ephemeral key pair is fresh for every message and lies on the recipient's curve.
 * {@code Z} is the plain ECDH shared secret (the x coordinate, 32 bytes). The AEAD key is
 * {@code HKDF(suite hash, ikm = Z || E || R, salt = none, info = "vtpcm-hybrid-v1/" + suite name)},
 * where {@code E} and {@code R} are the uncompressed SEC1 points of the ephemeral and the
 * recipient public key (binding {@code R} stops re-targeting a message). The AEAD's associated
 * data is the header (bytes {@code 0 .. 4+L}) followed by the caller's associated data, so the
 * header is authenticated as well.
 */
public interface CryptoSuite {

    SuiteName name();

    /** SM3 (SM suite) or SHA-256 (NIST suite); 32 bytes. */
    byte[] digest(byte[] data);

    /** Streaming {@link #digest(byte[])} for large inputs; reads {@code in} to its end but does not close it. */
    byte[] digest(InputStream in) throws IOException;

    /** "SM3" or "SHA-256". */
    String digestAlgorithm();

    /** A new signing key pair on sm2p256v1 (SM) or secp256r1 / P-256 (NIST). */
    KeyPair generateSigningKeyPair();

    /** A DER-encoded SM2-with-SM3 (default user id "1234567812345678") or SHA256withECDSA signature. */
    byte[] sign(PrivateKey key, byte[] data);

    /** Whether {@code signature} is valid; false (never an exception) for garbage, wrong data or a foreign key. */
    boolean verify(PublicKey key, byte[] data, byte[] signature);

    /** 16 (SM4) or 32 (AES-256). */
    int symmetricKeyLength();

    /** A fresh random symmetric key of {@link #symmetricKeyLength()} bytes. */
    byte[] newSymmetricKey();

    /** AEAD (SM4-GCM or AES-256-GCM) with a random 12-byte nonce; returns nonce || ciphertext || 16-byte tag. */
    byte[] seal(byte[] key, byte[] plaintext, byte[] associatedData);

    /** Reverses {@link #seal}; throws {@link CryptoException} on any tampering, wrong key, wrong AAD or truncation. */
    byte[] open(byte[] key, byte[] sealed, byte[] associatedData);

    /** Hybrid (ephemeral ECDH + HKDF + AEAD) encryption to {@code recipient}, in the layout described above. */
    byte[] encryptTo(PublicKey recipient, byte[] plaintext, byte[] associatedData);

    /** Reverses {@link #encryptTo}; every failure is a {@link CryptoException}. */
    byte[] decryptWith(PrivateKey recipient, byte[] message, byte[] associatedData);

    /** X.509 SubjectPublicKeyInfo DER (named curve, uncompressed point) of a key on this suite's curve. */
    byte[] encodePublicKey(PublicKey key);

    /** Decodes SubjectPublicKeyInfo DER; rejects keys that are not on this suite's curve. */
    PublicKey decodePublicKey(byte[] der);

    /** PKCS#8 DER of a private key on this suite's curve. */
    byte[] encodePrivateKey(PrivateKey key);

    /** Decodes PKCS#8 DER; rejects keys that are not on this suite's curve. */
    PrivateKey decodePrivateKey(byte[] pkcs8);
}
