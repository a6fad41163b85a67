package org.vtpcm.collector.store;

/**
 * A snapshot file exists but cannot be trusted: it failed authentication (tampered, renamed to
 * another id, sealed with another key or suite) or does not parse. The message names the file and
 * the reason, never key material or state bytes.
 */
public final class SnapshotCorruptException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SnapshotCorruptException(String message) {
        super(message);
    }

    public SnapshotCorruptException(String message, Throwable cause) {
        super(message, cause);
    }
}
