package org.vtpcm.collector.bundle;

import java.util.Objects;

/**
 * A sealed state bundle was refused by {@link BundleCodec#open}. The {@link Reason} says which
 * check failed; the message says precisely why. Messages never contain key material, the nonce or
 * other secret bundle content, so they may be logged and returned to the source node.
 */
public final class BundleRejectedException extends RuntimeException {

    /** Which check refused the bundle; listed in the order {@link BundleCodec#open} applies them. */
    public enum Reason {
        /** Shorter than its framing says (or than the fixed envelope header). */
        TRUNCATED,
        /** Longer than the codec's size limit, or declares a length beyond it. */
        OVERSIZED,
        /** Does not start with the "VTPCMB" magic: not a state bundle at all. */
        BAD_MAGIC,
        /** A format version (or version-1 flag) this codec does not implement. */
        UNSUPPORTED_VERSION,
        /** Encrypted under the other cryptographic suite. */
        WRONG_SUITE,
        /** Encrypted for another recipient key than this migration's ephemeral key. */
        WRONG_RECIPIENT,
        /** The authenticated decryption failed: tampered, wrong key or wrong header. */
        UNDECRYPTABLE,
        /** Signed by a key other than the expected source node's. */
        UNKNOWN_SIGNER,
        /** The source node's signature does not verify. */
        BAD_SIGNATURE,
        /** Authentic but not a well-formed, canonical, valid bundle (or trailing envelope bytes, bad inner framing). */
        MALFORMED,
        /** Not for the migration the destination prepared: other migration id or nonce. */
        REPLAYED,
        /** The vTPCM epoch is not the one the destination expects (for example an older bundle). */
        WRONG_EPOCH,
        /** The state of another vTPCM. */
        WRONG_VTPCM,
        /** Addressed to another destination node. */
        WRONG_DESTINATION
    }

    private final Reason reason;

    public BundleRejectedException(Reason reason, String detail) {
        super(describe(reason, detail));
        this.reason = reason;
    }

    public BundleRejectedException(Reason reason, String detail, Throwable cause) {
        super(describe(reason, detail), cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    private static String describe(Reason reason, String detail) {
        Objects.requireNonNull(reason, "reason is null");
        Objects.requireNonNull(detail, "detail is null");
        return "state bundle rejected (" + reason + "): " + detail;
    }
}
