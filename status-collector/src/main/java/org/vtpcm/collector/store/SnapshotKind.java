package org.vtpcm.collector.store;

import java.util.Optional;

/**
 * Why a vTPCM's state sits in the snapshot store: {@link #FROZEN} on the source node during a
 * migration, {@link #STAGED} on the destination node before the vTPCM resumes there.
 */
public enum SnapshotKind {
    FROZEN("frozen", (byte) 1),
    STAGED("staged", (byte) 2);

    private final String token;
    private final byte code;

    SnapshotKind(String token, byte code) {
        this.token = token;
        this.code = code;
    }

    /** The lower-case word used in file names: {@code "frozen"} or {@code "staged"}. */
    public String token() {
        return token;
    }

    /** The kind whose {@link #token()} is exactly {@code token}; empty for anything else. */
    public static Optional<SnapshotKind> fromToken(String token) {
        for (SnapshotKind kind : values()) {
            if (kind.token.equals(token)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    /** The byte stored in the file header; fixed forever, independent of the enum order. */
    byte code() {
        return code;
    }

    static Optional<SnapshotKind> fromCode(byte code) {
        for (SnapshotKind kind : values()) {
            if (kind.code == code) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
