package org.vtpcm.collector.store;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;
import java.util.Optional;
import java.util.UUID;

/**
 * Names one snapshot: which vTPCM, why it is kept, and the vTPCM's state epoch at capture.
 * The file name is derived only from these typed values, so no caller text ever reaches a path.
 */
public record SnapshotId(UUID vtpcmId, SnapshotKind kind, long epoch) implements Comparable<SnapshotId> {
    static final String SUFFIX = ".snap";
    private static final int UUID_TEXT_LENGTH = 36;
    private static final Comparator<SnapshotId> ORDER = Comparator.comparing(SnapshotId::vtpcmId)
            .thenComparing(SnapshotId::kind)
            .thenComparingLong(SnapshotId::epoch);

    public SnapshotId {
        requireNonNull(vtpcmId, "vtpcmId is null");
        requireNonNull(kind, "kind is null");
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, was " + epoch);
        }
    }

    /** {@code <vtpcmId>-<kind>-<epoch>.snap}, e.g. {@code 0f8c…-frozen-7.snap}. */
    public String fileName() {
        return vtpcmId + "-" + kind.token() + "-" + epoch + SUFFIX;
    }

    /**
     * The id whose {@link #fileName()} is exactly {@code name}; empty for any other name (temp
     * files, foreign files, non-canonical spellings such as upper-case UUIDs or leading zeros).
     */
    public static Optional<SnapshotId> fromFileName(String name) {
        if (name == null || !name.endsWith(SUFFIX) || name.length() < UUID_TEXT_LENGTH + 1 + SUFFIX.length()
                || name.charAt(UUID_TEXT_LENGTH) != '-') {
            return Optional.empty();
        }
        String rest = name.substring(UUID_TEXT_LENGTH + 1, name.length() - SUFFIX.length());
        int dash = rest.indexOf('-');
        if (dash < 0) {
            return Optional.empty();
        }
        try {
            UUID vtpcmId = UUID.fromString(name.substring(0, UUID_TEXT_LENGTH));
            Optional<SnapshotKind> kind = SnapshotKind.fromToken(rest.substring(0, dash));
            if (kind.isEmpty()) {
                return Optional.empty();
            }
            SnapshotId id = new SnapshotId(vtpcmId, kind.get(), Long.parseLong(rest.substring(dash + 1)));
            // only the canonical spelling counts, so one snapshot never has two names
            return id.fileName().equals(name) ? Optional.of(id) : Optional.empty();
        } catch (IllegalArgumentException e) { // also NumberFormatException
            return Optional.empty();
        }
    }

    /** By vTPCM, then kind, then epoch (oldest first). */
    @Override
    public int compareTo(SnapshotId other) {
        return ORDER.compare(this, other);
    }
}
