package org.vtpcm.collector.bundle;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.vtpcm.collector.bundle.BundleRejectedException.Reason;
import org.vtpcm.protocol.crypto.CryptoSuite;

/**
 * The encrypted plaintext: the body with the source node's signature (layout on
 * {@link BundleCodec}). The signature covers a domain-separation label and the body's digest,
 * so it cannot be confused with any other signature the node key makes.
 */
final class SignedContent {

    static final byte[] DOMAIN = "vtpcm-bundle-v1".getBytes(StandardCharsets.US_ASCII);
    static final int BODY_LENGTH_OFFSET = Limits.KEY_ID_BYTES;
    static final int BODY_OFFSET = BODY_LENGTH_OFFSET + 4;

    private final byte[] body;
    private final byte[] signature;

    private SignedContent(byte[] body, byte[] signature) {
        this.body = body;
        this.signature = signature;
    }

    /** {@code "vtpcm-bundle-v1" || digest(body)}: what the source node signs. */
    static byte[] toBeSigned(CryptoSuite suite, byte[] body) {
        byte[] digest = suite.digest(body);
        byte[] data = Arrays.copyOf(DOMAIN, DOMAIN.length + digest.length);
        System.arraycopy(digest, 0, data, DOMAIN.length, digest.length);
        return data;
    }

    static byte[] encode(byte[] signerKeyId, byte[] body, byte[] signature) {
        if (signature.length > Limits.SIGNATURE_BYTES) {
            throw new IllegalArgumentException("signature is " + signature.length + " bytes, more than "
                    + Limits.SIGNATURE_BYTES);
        }
        ByteSink out = new ByteSink(Integer.MAX_VALUE - 16);
        try {
            out.bytes(signerKeyId).u32(body.length).bytes(body).u16(signature.length).bytes(signature);
            return out.toByteArray();
        } finally {
            out.wipe(); // the body holds the identity private key
        }
    }

    /**
     * Checks the signer key id first (UNKNOWN_SIGNER) and then the framing (MALFORMED): body
     * length within the input, signature length within its limit, nothing after the signature.
     */
    static SignedContent parse(byte[] plaintext, byte[] expectedSignerKeyId) {
        ByteSource in = new ByteSource(plaintext, Reason.MALFORMED, "signed content");
        if (in.remaining() < Limits.KEY_ID_BYTES) {
            throw in.reject("signed content is " + in.remaining() + " bytes, too short for a signer key id");
        }
        byte[] signerKeyId = in.bytes(Limits.KEY_ID_BYTES, "signer key id");
        if (!MessageDigest.isEqual(signerKeyId, expectedSignerKeyId)) {
            throw new BundleRejectedException(Reason.UNKNOWN_SIGNER,
                    "bundle is signed by another key than the expected source node's");
        }
        long bodyLength = in.u32();
        byte[] body = in.bytes(bodyLength, "body");
        int signatureLength = in.u16();
        if (signatureLength > Limits.SIGNATURE_BYTES) {
            throw in.reject("signature length " + signatureLength + " exceeds its limit " + Limits.SIGNATURE_BYTES);
        }
        byte[] signature = in.bytes(signatureLength, "signature");
        in.requireEnd();
        return new SignedContent(body, signature);
    }

    byte[] body() {
        return body;
    }

    byte[] signature() {
        return signature;
    }
}
