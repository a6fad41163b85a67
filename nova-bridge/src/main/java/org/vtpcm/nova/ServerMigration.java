package org.vtpcm.nova;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * A Nova migration record, from {@code /servers/{id}/migrations} (in progress) or {@code /os-migrations} (any).
 *
 * @param status Nova's migration status: queued, preparing, running, completed, error, failed, cancelled, ...
 * @param migrationType {@code live-migration}, {@code migration}, {@code resize} or {@code evacuation} (os-migrations only)
 * @param uuid from microversion 2.59 on
 */
public record ServerMigration(long id, Optional<String> uuid, String serverUuid, String status, Optional<String> migrationType,
        Optional<String> sourceCompute, Optional<String> destCompute, Optional<String> sourceNode, Optional<String> destNode,
        Optional<String> createdAt, Optional<String> updatedAt, OptionalLong memoryTotalBytes, OptionalLong memoryProcessedBytes,
        OptionalLong memoryRemainingBytes, OptionalLong diskTotalBytes, OptionalLong diskProcessedBytes,
        OptionalLong diskRemainingBytes) {
    public ServerMigration {
        requireNonNull(uuid, "uuid is null");
        requireNonNull(serverUuid, "serverUuid is null");
        requireNonNull(status, "status is null");
        requireNonNull(migrationType, "migrationType is null");
        requireNonNull(sourceCompute, "sourceCompute is null");
        requireNonNull(destCompute, "destCompute is null");
        requireNonNull(sourceNode, "sourceNode is null");
        requireNonNull(destNode, "destNode is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(updatedAt, "updatedAt is null");
        requireNonNull(memoryTotalBytes, "memoryTotalBytes is null");
        requireNonNull(memoryProcessedBytes, "memoryProcessedBytes is null");
        requireNonNull(memoryRemainingBytes, "memoryRemainingBytes is null");
        requireNonNull(diskTotalBytes, "diskTotalBytes is null");
        requireNonNull(diskProcessedBytes, "diskProcessedBytes is null");
        requireNonNull(diskRemainingBytes, "diskRemainingBytes is null");
    }

    /** Nova will not change this migration any more. */
    public boolean finished() {
        return switch (status) {
            case "completed", "done", "finished", "confirmed", "reverted", "error", "failed", "cancelled", "migration_failed" -> true;
            default -> false;
        };
    }
}
