package org.vtpcm.manager.migration;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A state bundle transfer between managers was refused or failed. The {@link Reason} is the stable
 * code the API answers with (the API maps it to a status); the message says precisely why.
 */
public final class TransferException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, grouped by who must act. */
    public enum Reason {
        /** The caller's certificate does not name the source node prepare-incoming named. */
        SENDER_NOT_ALLOWED,
        /** A chunk index, count, length or digest is malformed or out of range. */
        INVALID_CHUNK,
        /** A chunk or the announced bundle is larger than this node accepts. */
        BUNDLE_TOO_LARGE,
        /** The same chunk index arrived with another digest, or the chunk layout changed. */
        CHUNK_CONFLICT,
        /** stage-chunks before every chunk arrived. */
        CHUNKS_MISSING,
        /** The reassembled bundle does not have the announced length or SHA-256. */
        BUNDLE_DIGEST_MISMATCH,
        /** The migration was prepared without a source signing key, which chunked staging needs. */
        NO_SOURCE_KEY,
        /** Neither prepare-incoming nor the stage request named the source signing key. */
        SOURCE_KEY_REQUIRED,
        /** The stage request names another source signing key than prepare-incoming did. */
        SOURCE_KEY_MISMATCH,
        /** The destination manager answered with a refusal. */
        DESTINATION_REFUSED,
        /** The destination manager could not be reached, or kept failing, after every retry. */
        DESTINATION_UNREACHABLE
    }

    private final Reason reason;
    private final List<String> details;

    public TransferException(Reason reason, String message) {
        this(reason, message, List.of());
    }

    public TransferException(Reason reason, String message, List<String> details) {
        super(requireNonNull(message, "message is null"));
        this.reason = requireNonNull(reason, "reason is null");
        this.details = List.copyOf(details);
    }

    public Reason reason() {
        return reason;
    }

    public List<String> details() {
        return details;
    }
}
