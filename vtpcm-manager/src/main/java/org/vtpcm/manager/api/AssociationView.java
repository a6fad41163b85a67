package org.vtpcm.manager.api;

import java.time.Instant;
import java.util.UUID;
import org.vtpcm.manager.association.Association;

/** An association row as the API shows it; migrationId names the migration the vTPCM is in, null outside one. */
public record AssociationView(UUID vtpcmId, UUID vmUuid, String vmName, String state, long epoch, String host, String policy,
        Instant createdAt, Instant updatedAt, String attention, UUID migrationId) {
    static AssociationView of(Association row) {
        return new AssociationView(row.vtpcmId(), row.vmUuid(), row.vmName(), row.state().name(), row.epoch(), row.host(),
                row.policy().text(), row.createdAt(), row.updatedAt(), row.attention().orElse(null), row.migrationId().orElse(null));
    }
}
