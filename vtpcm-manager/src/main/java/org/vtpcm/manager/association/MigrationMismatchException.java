package org.vtpcm.manager.association;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.UUID;

/**
 * A migration hook that does not belong to the vTPCM's current migration, or asks for what that
 * migration did not bind: answered 409 with the reason as the code, and nothing changes.
 */
public final class MigrationMismatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the hook was refused; the API's error code. */
    public enum Reason {
        /** The path's migration id is not the one the vTPCM is in (or it is in none). */
        MIGRATION_MISMATCH,
        /** migrate-vm names another destination than the one the state was sent to. */
        DESTINATION_MISMATCH,
        /** An abort at the source after the VM left this node: only forward (commit) is possible. */
        PAST_SWITCHOVER
    }

    private final Reason reason;

    public MigrationMismatchException(Reason reason, String message) {
        super(message);
        this.reason = requireNonNull(reason, "reason is null");
    }

    public Reason reason() {
        return reason;
    }

    /** The row itself, if it is in {@code migrationId}; refused with MIGRATION_MISMATCH otherwise. */
    public static Association requireCurrent(Association row, UUID migrationId) {
        Optional<UUID> current = row.migrationId();
        if (!current.equals(Optional.of(migrationId))) {
            throw new MigrationMismatchException(Reason.MIGRATION_MISMATCH, "migration " + migrationId + " is not the current "
                    + "migration of vTPCM " + row.vtpcmId() + " (" + row.state() + ", " + current.map(id -> "in migration " + id)
                    .orElse("in no migration") + ")");
        }
        return row;
    }
}
