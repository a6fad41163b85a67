package org.vtpcm.manager.api;

import org.vtpcm.manager.association.Association;
import org.vtpcm.nodeapi.AssociationView;

/** An association row as the node API shows it. */
final class AssociationViews {
    private AssociationViews() {
    }

    static AssociationView of(Association row) {
        return new AssociationView(row.vtpcmId(), row.vmUuid(), row.vmName(), row.state().name(), row.epoch(), row.host(),
                row.policy().text(), row.createdAt(), row.updatedAt(), row.attention().orElse(null), row.migrationId().orElse(null));
    }
}
