package org.vtpcm.collector.bundle;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.vtpcm.collector.bundle.BundleRejectedException.Reason;
import org.vtpcm.protocol.crypto.SuiteName;

/**
 * The outer, unencrypted framing of a sealed bundle (layout on {@link BundleCodec}). The header
 * up to the recipient key id is the AEAD associated data, so none of it can be altered without
 * the decryption failing.
 */
final class Envelope {

    static final byte[] MAGIC = "VTPCMB".getBytes(StandardCharsets.US_ASCII);
    /** The format version written: {@link StateBundle#FORMAT_VERSION}. */
    static final int VERSION = StateBundle.FORMAT_VERSION;
    /** Also read: {@link StateBundle#PREVIOUS_FORMAT_VERSION}, whose envelope is the same. */
    static final int PREVIOUS_VERSION = StateBundle.PREVIOUS_FORMAT_VERSION;
    static final int FLAGS = 0;
    static final int VERSION_OFFSET = 6;
    static final int SUITE_OFFSET = 7;
    static final int FLAGS_OFFSET = 8;
    static final int RECIPIENT_OFFSET = 9;
    /** Magic, version, suite, flags and recipient key id: the associated data. */
    static final int AAD_BYTES = RECIPIENT_OFFSET + Limits.KEY_ID_BYTES;
    static final int LENGTH_OFFSET = AAD_BYTES;
    static final int HEADER_BYTES = LENGTH_OFFSET + 4;

    private final byte[] associatedData;
    private final byte[] ciphertext;

    private Envelope(byte[] associatedData, byte[] ciphertext) {
        this.associatedData = associatedData;
        this.ciphertext = ciphertext;
    }

    /** The associated data for a bundle sealed under {@code suite} for the recipient {@code recipientKeyId}. */
    static byte[] associatedData(SuiteName suite, byte[] recipientKeyId) {
        byte[] aad = Arrays.copyOf(MAGIC, AAD_BYTES);
        aad[VERSION_OFFSET] = VERSION;
        aad[SUITE_OFFSET] = (byte) SuiteIds.id(suite);
        aad[FLAGS_OFFSET] = FLAGS;
        System.arraycopy(recipientKeyId, 0, aad, RECIPIENT_OFFSET, Limits.KEY_ID_BYTES);
        return aad;
    }

    static byte[] assemble(byte[] associatedData, byte[] ciphertext) {
        byte[] sealed = Arrays.copyOf(associatedData, HEADER_BYTES + ciphertext.length);
        long length = ciphertext.length;
        sealed[LENGTH_OFFSET] = (byte) (length >>> 24);
        sealed[LENGTH_OFFSET + 1] = (byte) (length >>> 16);
        sealed[LENGTH_OFFSET + 2] = (byte) (length >>> 8);
        sealed[LENGTH_OFFSET + 3] = (byte) length;
        System.arraycopy(ciphertext, 0, sealed, HEADER_BYTES, ciphertext.length);
        return sealed;
    }

    /**
     * Checks the framing in this order: fixed header present (TRUNCATED), total size within
     * {@code maxBytes} (OVERSIZED), magic (BAD_MAGIC), version ({@value #VERSION} or
     * {@value #PREVIOUS_VERSION}) and flags (UNSUPPORTED_VERSION),
     * suite (WRONG_SUITE), then the declared ciphertext length: beyond the limit (OVERSIZED),
     * beyond the input (TRUNCATED), or short of it, leaving trailing bytes (MALFORMED).
     */
    static Envelope parse(byte[] sealed, SuiteName suite, int maxBytes) {
        if (sealed.length < HEADER_BYTES) {
            throw new BundleRejectedException(Reason.TRUNCATED, "input is " + sealed.length
                    + " bytes, shorter than the " + HEADER_BYTES + "-byte envelope header");
        }
        if (sealed.length > maxBytes) {
            throw new BundleRejectedException(Reason.OVERSIZED, "input is " + sealed.length
                    + " bytes, more than the limit of " + maxBytes);
        }
        if (!Arrays.equals(sealed, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new BundleRejectedException(Reason.BAD_MAGIC, "input does not start with \"VTPCMB\"");
        }
        int version = sealed[VERSION_OFFSET] & 0xff;
        if (version != VERSION && version != PREVIOUS_VERSION) {
            throw new BundleRejectedException(Reason.UNSUPPORTED_VERSION, "format version " + version
                    + " is not supported (supported: " + PREVIOUS_VERSION + ", " + VERSION + ")");
        }
        int flags = sealed[FLAGS_OFFSET] & 0xff;
        if (flags != FLAGS) {
            // Neither version defines flags: a writer that sets one needs a newer reader.
            throw new BundleRejectedException(Reason.UNSUPPORTED_VERSION, String.format(
                    "flags 0x%02x are not defined in format version %d", flags, version));
        }
        int suiteId = sealed[SUITE_OFFSET] & 0xff;
        if (suiteId != SuiteIds.id(suite)) {
            throw new BundleRejectedException(Reason.WRONG_SUITE, "bundle is sealed with "
                    + SuiteIds.describe(suiteId) + ", this node uses " + suite);
        }
        long length = ((long) (sealed[LENGTH_OFFSET] & 0xff) << 24) | ((sealed[LENGTH_OFFSET + 1] & 0xff) << 16)
                | ((sealed[LENGTH_OFFSET + 2] & 0xff) << 8) | (sealed[LENGTH_OFFSET + 3] & 0xff);
        long available = sealed.length - HEADER_BYTES;
        if (HEADER_BYTES + length > maxBytes) {
            throw new BundleRejectedException(Reason.OVERSIZED, "envelope declares " + length
                    + " ciphertext bytes, beyond the limit of " + maxBytes + " bytes per bundle");
        }
        if (length > available) {
            throw new BundleRejectedException(Reason.TRUNCATED, "envelope declares " + length
                    + " ciphertext bytes but only " + available + " follow");
        }
        if (length < available) {
            throw new BundleRejectedException(Reason.MALFORMED, (available - length)
                    + " trailing bytes after the ciphertext");
        }
        return new Envelope(Arrays.copyOf(sealed, AAD_BYTES), Arrays.copyOfRange(sealed, HEADER_BYTES, sealed.length));
    }

    byte[] associatedData() {
        return associatedData;
    }

    /** The format version the header declares: {@link #VERSION} or {@link #PREVIOUS_VERSION}. */
    int version() {
        return associatedData[VERSION_OFFSET] & 0xff;
    }

    byte[] recipientKeyId() {
        return Arrays.copyOfRange(associatedData, RECIPIENT_OFFSET, AAD_BYTES);
    }

    byte[] ciphertext() {
        return ciphertext;
    }
}
