package org.vtpcm.collector.bundle;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Objects;
import org.vtpcm.collector.bundle.BundleRejectedException.Reason;
import org.vtpcm.protocol.crypto.CryptoSuite;

/**
 * Seals a {@link StateBundle} at the source (encode, sign with the source node key, encrypt to
 * the destination's ephemeral key) and opens it at the destination, strictly. The format is
 * versioned, self-describing binary and canonical: exactly one byte string encodes a given bundle
 * body (in the version written). It is not Java serialization and not JSON. All integers are
 * unsigned big-endian unless marked signed (two's complement, big-endian).
 *
 * <h2>Envelope (outer, unencrypted)</h2>
 * <pre>
 *   offset  size  field
 *   0       6     magic "VTPCMB" (ASCII 56 54 50 43 4d 42)
 *   6       1     format version, 0x02 (0x01, the previous version, is still read)
 *   7       1     suite id: 0x01 = SM, 0x02 = NIST
 *   8       1     flags, 0x00 (none are defined in versions 1 and 2)
 *   9       32    recipient key id = digest(SPKI DER of the destination's ephemeral public key)
 *   41      4     L, ciphertext length (u32)
 *   45      L     ciphertext = suite.encryptTo(recipient, signed content, associated data = bytes 0..40)
 * </pre>
 * The whole envelope is {@code 45 + L} bytes exactly and at most {@link #maxBundleBytes()}
 * (default and ceiling {@value #MAX_BUNDLE_BYTES}, 16 MiB).
 *
 * <h2>Signed content (the plaintext)</h2>
 * <pre>
 *   0       32    signer key id = digest(SPKI DER of the source node's public key)
 *   32      4     B, body length (u32)
 *   36      B     body
 *   36+B    2     S, signature length (u16, at most 512)
 *   38+B    S     signature = sign(source node key, "vtpcm-bundle-v1" (15 ASCII bytes) || digest(body))
 * </pre>
 * Nothing may follow the signature. The label is "vtpcm-bundle-v1" in every format version (it names
 * this signature scheme, not the body layout; the body carries its own version).
 *
 * <h2>Body</h2>
 * Sixteen fields (format version 2), each {@code tag (u8) | length (u32) | value}, every one
 * required, in strictly increasing tag order, nothing after the last (tag 0x10 was version 1's TPM
 * state digest and is not used). Strings are UTF-8 (strict: no overlong forms, no surrogates).
 * Lengths in bytes:
 * <pre>
 *   tag   field                length      value
 *   0x01  format version       4           signed 32-bit, 2; must equal the envelope's
 *   0x02  migration id         16          UUID: most then least significant 64 bits
 *   0x03  nonce                32          raw bytes
 *   0x04  vTPCM id             16          UUID
 *   0x05  VM UUID              16          UUID
 *   0x06  VM name              1..128      UTF-8, [A-Za-z0-9][A-Za-z0-9_.+-]{0,127}
 *   0x07  epoch                8           signed 64-bit, at least 1
 *   0x08  source node          1..128      UTF-8, same rule as the VM name
 *   0x09  destination node     1..128      UTF-8, same rule
 *   0x0a  suite                1           0x01 = SM, 0x02 = NIST; must equal the envelope's
 *   0x0b  identity private key 1..2048     PKCS#8 DER
 *   0x0c  identity public key  1..1024     X.509 SubjectPublicKeyInfo DER
 *   0x0d  policy               1..16       UTF-8, "deny" or "audit"
 *   0x0e  measurement log      4..16 MiB   count (u32, at most 100000), then per entry:
 *                                          seq (signed 64-bit, &ge; 0) and nine strings, each
 *                                          length (u32) | UTF-8, in the order at (&le; 64),
 *                                          event (&le; 64), target (&le; 4096), digest (&le; 256),
 *                                          verdict (&le; 64), detail (&le; 16384), previous hash
 *                                          (&le; 256), entry hash (&le; 256), signature (&le; 1024)
 *   0x0f  reference values     4..         count (u32, at most 100000), then per value:
 *                                          length (u32, 2..128) | lower-case hex, even length
 *   0x11  created at           12          signed 64-bit epoch seconds, then signed 32-bit
 *                                          nanoseconds in 0..999999999
 * </pre>
 * Every length is checked against its field's limit and against the remaining input before any
 * memory is allocated for it, and list counts against what the remaining bytes can hold, so a
 * hostile bundle cannot make the reader allocate much more than its own size.
 *
 * <h2>Version 1 (read, never written)</h2>
 * Only {@link StateBundle#FORMAT_VERSION} 2 is written; a version-1 bundle, from a node not yet
 * upgraded, is still opened, so that during a rolling upgrade an upgraded node can receive from an
 * old one (an old node refuses version 2 with UNSUPPORTED_VERSION: upgrade destinations first).
 * Version 1 has the same envelope (version byte 0x01) and signed content; its body's format version
 * field is 1, and one more field, required, sits between the reference values and the creation time:
 * <pre>
 *   0x10  TPM state digest     32          raw bytes
 * </pre>
 * It was always 32 zero bytes: the bundle is built and sent before libvirt migrates the VM, and the
 * TPM engine's state blobs travel in QEMU's migration stream, so the digest of the state that leaves
 * is not known yet (the engine compares the interposers' digests separately). The reader checks its
 * length and skips it; the bundle decodes as a version-2 bundle. Any other version, in the envelope
 * or in the body, is refused (UNSUPPORTED_VERSION, or MALFORMED if only the authenticated body has it).
 *
 * <h2>Opening</h2>
 * {@link #open} applies its checks in this order, each failing with a
 * {@link BundleRejectedException} of the given {@link Reason}:
 * <ol>
 *   <li>shorter than the 45-byte header: TRUNCATED; longer than the limit: OVERSIZED;</li>
 *   <li>magic: BAD_MAGIC; version other than 1 or 2, or any flag set: UNSUPPORTED_VERSION; suite id:
 *       WRONG_SUITE;</li>
 *   <li>declared ciphertext length beyond the limit: OVERSIZED, beyond the input: TRUNCATED,
 *       short of it (trailing bytes): MALFORMED;</li>
 *   <li>recipient key id: WRONG_RECIPIENT; authenticated decryption: UNDECRYPTABLE;</li>
 *   <li>signer key id: UNKNOWN_SIGNER; signed-content framing: MALFORMED; signature: BAD_SIGNATURE;</li>
 *   <li>body parsing (the body's format version equal to the envelope's, and its layout) and value
 *       validation, suite equal to this codec's, identity key pair valid and matching: MALFORMED;</li>
 *   <li>against the {@link Expectation}: migration id and nonce: REPLAYED; epoch: WRONG_EPOCH;
 *       vTPCM id: WRONG_VTPCM; destination node: WRONG_DESTINATION.</li>
 * </ol>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class BundleCodec {

    /** The ceiling (and default) size of a sealed bundle: 16 MiB. */
    public static final int MAX_BUNDLE_BYTES = Limits.MAX_BUNDLE_BYTES;
    /** The smallest size limit a codec may be configured with. */
    public static final int MIN_BUNDLE_LIMIT = 1024;

    private static final byte[] KEY_PAIR_PROBE = "vtpcm-bundle-v1 identity key check"
            .getBytes(StandardCharsets.US_ASCII);

    private final CryptoSuite suite;
    private final int maxBundleBytes;

    /** A codec for {@code suite} with the 16 MiB size limit. */
    public BundleCodec(CryptoSuite suite) {
        this(suite, MAX_BUNDLE_BYTES);
    }

    /**
     * @param suite          the suite of this deployment: every bundle is sealed and opened with it
     * @param maxBundleBytes largest sealed bundle accepted or produced, {@value #MIN_BUNDLE_LIMIT}..16 MiB
     */
    public BundleCodec(CryptoSuite suite, int maxBundleBytes) {
        this.suite = Objects.requireNonNull(suite, "suite is null");
        if (maxBundleBytes < MIN_BUNDLE_LIMIT || maxBundleBytes > MAX_BUNDLE_BYTES) {
            throw new IllegalArgumentException("maxBundleBytes must be " + MIN_BUNDLE_LIMIT + ".." + MAX_BUNDLE_BYTES
                    + ", not " + maxBundleBytes);
        }
        this.maxBundleBytes = maxBundleBytes;
    }

    /** The suite bundles are sealed and opened with. */
    public CryptoSuite suite() {
        return suite;
    }

    /** The largest sealed bundle this codec produces or accepts, in bytes. */
    public int maxBundleBytes() {
        return maxBundleBytes;
    }

    /**
     * How the format names a key.
     *
     * @param suite the suite whose digest and key encoding to use
     * @param key   a public key of that suite
     * @return {@code suite.digest(suite.encodePublicKey(key))}, 32 bytes
     */
    public static byte[] keyId(CryptoSuite suite, PublicKey key) {
        Objects.requireNonNull(suite, "suite is null");
        Objects.requireNonNull(key, "key is null");
        return suite.digest(suite.encodePublicKey(key));
    }

    /**
     * Encodes, signs and encrypts a bundle.
     *
     * @param bundle                what to send
     * @param sourceNodeKey         the source node's signing key
     * @param sourceNodePublic      its public key (named in the bundle by key id; must match)
     * @param recipientEphemeralKey the destination's ephemeral public key for this migration
     * @return the sealed bundle, at most {@link #maxBundleBytes()} bytes
     * @throws IllegalArgumentException if the bundle's suite is not this codec's, its identity key
     *         pair is invalid or does not match, the source keys are not a pair, a key is not of
     *         this suite, or the sealed bundle would exceed the size limit
     */
    public byte[] seal(StateBundle bundle, PrivateKey sourceNodeKey, PublicKey sourceNodePublic,
                       PublicKey recipientEphemeralKey) {
        Objects.requireNonNull(bundle, "bundle is null");
        Objects.requireNonNull(sourceNodeKey, "sourceNodeKey is null");
        Objects.requireNonNull(sourceNodePublic, "sourceNodePublic is null");
        Objects.requireNonNull(recipientEphemeralKey, "recipientEphemeralKey is null");
        if (bundle.suite() != suite.name()) {
            throw new IllegalArgumentException("bundle is for suite " + bundle.suite() + ", this codec seals with "
                    + suite.name());
        }
        checkIdentityKeys(bundle);
        byte[] body = BodyWriter.write(bundle, maxBundleBytes);
        try {
            return sealBody(body, sourceNodeKey, sourceNodePublic, recipientEphemeralKey);
        } finally {
            Arrays.fill(body, (byte) 0);
        }
    }

    /**
     * Test hook: signs and encrypts arbitrary body bytes, so tests can craft authentic but
     * malformed bundles. Package-private on purpose.
     */
    byte[] sealBody(byte[] body, PrivateKey sourceNodeKey, PublicKey sourceNodePublic, PublicKey recipient) {
        byte[] signerKeyId = callerKeyId(sourceNodePublic, "sourceNodePublic");
        byte[] toBeSigned = SignedContent.toBeSigned(suite, body);
        byte[] signature;
        try {
            signature = suite.sign(sourceNodeKey, toBeSigned);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("sourceNodeKey is not a " + suite.name() + " private key", e);
        }
        // Catches a mismatched key pair here rather than as BAD_SIGNATURE at the destination.
        if (!suite.verify(sourceNodePublic, toBeSigned, signature)) {
            throw new IllegalArgumentException("sourceNodeKey and sourceNodePublic are not a key pair");
        }
        byte[] content = SignedContent.encode(signerKeyId, body, signature);
        try {
            return sealInner(content, recipient);
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /** Test hook: encrypts arbitrary signed-content bytes into an envelope. Package-private on purpose. */
    byte[] sealInner(byte[] content, PublicKey recipient) {
        byte[] associatedData = Envelope.associatedData(suite.name(), callerKeyId(recipient, "recipient key"));
        byte[] ciphertext = suite.encryptTo(recipient, content, associatedData);
        if (Envelope.HEADER_BYTES + (long) ciphertext.length > maxBundleBytes) {
            throw new IllegalArgumentException("sealed bundle would be " + (Envelope.HEADER_BYTES + ciphertext.length)
                    + " bytes, more than the limit of " + maxBundleBytes);
        }
        return Envelope.assemble(associatedData, ciphertext);
    }

    /**
     * Decrypts, authenticates, parses and checks a sealed bundle (checks and their order in the
     * class documentation).
     *
     * @param sealed                    the bytes received from the source node
     * @param recipientEphemeralPrivate the destination's ephemeral private key for this migration
     * @param recipientEphemeralPublic  its public key (to recognise bundles sealed for it)
     * @param expectedSourceNodeKey     the public key of the node the migration comes from
     * @param expectation               what the destination prepared
     * @return the bundle; its identity private key is the caller's to protect
     * @throws BundleRejectedException  for every problem with {@code sealed}, whatever it contains
     * @throws NullPointerException     if an argument is null (a caller bug, checked first)
     * @throws IllegalArgumentException if one of the caller's public keys is not a key of this
     *         suite (a caller bug, checked before the input is looked at)
     */
    public StateBundle open(byte[] sealed, PrivateKey recipientEphemeralPrivate, PublicKey recipientEphemeralPublic,
                            PublicKey expectedSourceNodeKey, Expectation expectation) {
        Objects.requireNonNull(sealed, "sealed is null");
        Objects.requireNonNull(recipientEphemeralPrivate, "recipientEphemeralPrivate is null");
        Objects.requireNonNull(recipientEphemeralPublic, "recipientEphemeralPublic is null");
        Objects.requireNonNull(expectedSourceNodeKey, "expectedSourceNodeKey is null");
        Objects.requireNonNull(expectation, "expectation is null");
        byte[] recipientKeyId = callerKeyId(recipientEphemeralPublic, "recipientEphemeralPublic");
        byte[] signerKeyId = callerKeyId(expectedSourceNodeKey, "expectedSourceNodeKey");
        try {
            return unseal(sealed, recipientEphemeralPrivate, recipientKeyId, expectedSourceNodeKey, signerKeyId,
                    expectation);
        } catch (BundleRejectedException e) {
            throw e;
        } catch (RuntimeException | OutOfMemoryError e) {
            // Nothing but a rejection may escape, whatever the input provokes.
            throw new BundleRejectedException(Reason.MALFORMED, "unexpected " + e.getClass().getSimpleName()
                    + " while reading the bundle", e);
        }
    }

    private StateBundle unseal(byte[] sealed, PrivateKey recipientPrivate, byte[] recipientKeyId,
                               PublicKey sourceKey, byte[] signerKeyId, Expectation expectation) {
        Envelope envelope = Envelope.parse(sealed, suite.name(), maxBundleBytes);
        if (!MessageDigest.isEqual(envelope.recipientKeyId(), recipientKeyId)) {
            throw new BundleRejectedException(Reason.WRONG_RECIPIENT,
                    "bundle is encrypted for another key than this migration's ephemeral key");
        }
        byte[] plaintext;
        try {
            plaintext = suite.decryptWith(recipientPrivate, envelope.ciphertext(), envelope.associatedData());
        } catch (RuntimeException e) {
            throw new BundleRejectedException(Reason.UNDECRYPTABLE,
                    "authenticated decryption failed (tampered, truncated or wrong key)", e);
        }
        SignedContent content = null;
        try {
            content = SignedContent.parse(plaintext, signerKeyId);
            if (!verifies(sourceKey, content)) {
                throw new BundleRejectedException(Reason.BAD_SIGNATURE,
                        "the source node's signature over the bundle does not verify");
            }
            StateBundle bundle = BodyReader.read(content.body(), envelope.version());
            checkContent(bundle);
            checkExpectation(bundle, expectation);
            return bundle;
        } finally {
            // Both hold the identity private key.
            Arrays.fill(plaintext, (byte) 0);
            if (content != null) {
                Arrays.fill(content.body(), (byte) 0);
            }
        }
    }

    private boolean verifies(PublicKey sourceKey, SignedContent content) {
        try {
            return suite.verify(sourceKey, SignedContent.toBeSigned(suite, content.body()), content.signature());
        } catch (RuntimeException e) {
            return false; // verify is documented not to throw; be safe anyway
        }
    }

    /** Authentic content can still be wrong: a source bug must not install an unusable vTPCM. */
    private void checkContent(StateBundle bundle) {
        if (bundle.suite() != suite.name()) {
            throw new BundleRejectedException(Reason.MALFORMED, "bundle's vTPCM suite " + bundle.suite()
                    + " differs from the transfer suite " + suite.name());
        }
        try {
            checkIdentityKeys(bundle);
        } catch (IllegalArgumentException e) {
            throw new BundleRejectedException(Reason.MALFORMED, e.getMessage(), e);
        }
    }

    private static void checkExpectation(StateBundle bundle, Expectation expected) {
        if (!bundle.migrationId().equals(expected.migrationId())) {
            throw new BundleRejectedException(Reason.REPLAYED, "bundle belongs to migration " + bundle.migrationId()
                    + ", not to the expected migration " + expected.migrationId());
        }
        if (!MessageDigest.isEqual(bundle.nonce(), expected.nonceView())) {
            throw new BundleRejectedException(Reason.REPLAYED, "bundle's nonce is not the nonce of migration "
                    + expected.migrationId());
        }
        if (bundle.epoch() != expected.expectedEpoch()) {
            throw new BundleRejectedException(Reason.WRONG_EPOCH, "bundle carries epoch " + bundle.epoch()
                    + ", expected " + expected.expectedEpoch()
                    + (bundle.epoch() < expected.expectedEpoch() ? " (an older bundle)" : ""));
        }
        if (!bundle.vtpcmId().equals(expected.vtpcmId())) {
            throw new BundleRejectedException(Reason.WRONG_VTPCM, "bundle carries vTPCM " + bundle.vtpcmId()
                    + ", expected " + expected.vtpcmId());
        }
        if (!bundle.destinationNode().equals(expected.destinationNode())) {
            throw new BundleRejectedException(Reason.WRONG_DESTINATION, "bundle is addressed to node "
                    + bundle.destinationNode() + ", this node is " + expected.destinationNode());
        }
    }

    /** The identity keys must decode under this suite and form a pair (sign and verify a probe). */
    private void checkIdentityKeys(StateBundle bundle) {
        PrivateKey privateKey;
        PublicKey publicKey;
        byte[] encodedPrivate = bundle.identityPrivateKey();
        try {
            privateKey = suite.decodePrivateKey(encodedPrivate);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("identity private key is not a valid " + suite.name() + " key");
        } finally {
            Arrays.fill(encodedPrivate, (byte) 0);
        }
        try {
            publicKey = suite.decodePublicKey(bundle.identityPublicKey());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("identity public key is not a valid " + suite.name() + " key");
        }
        boolean pair;
        try {
            pair = suite.verify(publicKey, KEY_PAIR_PROBE, suite.sign(privateKey, KEY_PAIR_PROBE));
        } catch (RuntimeException e) {
            pair = false;
        }
        if (!pair) {
            throw new IllegalArgumentException("identity private and public keys are not a key pair");
        }
    }

    private byte[] callerKeyId(PublicKey key, String name) {
        try {
            return keyId(suite, key);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + " is not a " + suite.name() + " public key", e);
        }
    }
}
