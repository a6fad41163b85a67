package org.vtpcm.manager.association;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.UUID;

/**
 * The migration a vTPCM is in, as its row records it: set at prepare-incoming (destination) and
 * freeze (source), cleared when the vTPCM leaves the migration (commit, abort).
 *
 * @param migrationId the migration's id
 * @param destinationNode at the source, the node its state was exported to (recorded at export/send)
 */
public record MigrationBinding(UUID migrationId, Optional<String> destinationNode) {
    public MigrationBinding {
        requireNonNull(migrationId, "migrationId is null");
        requireNonNull(destinationNode, "destinationNode is null");
    }
}
