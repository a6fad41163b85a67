package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import org.vtpcm.engine.hosts.NodeDirectory;
import org.vtpcm.nodeapi.ManagerClientException;

/** Where a migration's VM is active, asked of both nodes' domains (whatever the vTPCM rows or the journal say). */
final class VmPlacement {
    private final NodeDirectory nodes;

    VmPlacement(NodeDirectory nodes) {
        this.nodes = requireNonNull(nodes, "nodes is null");
    }

    VmMigrationDecisions.Placement of(MigrationContext context) {
        return VmMigrationDecisions.placement(nodes.node(context.destinationName()).domain(context.vmUuid()).active(),
                nodes.node(context.sourceHost()).domain(context.vmUuid()).active());
    }

    /** As {@link #of}, but a node that cannot be reached leaves the placement unsettled (wait) instead of failing. */
    VmMigrationDecisions.Placement ifKnown(MigrationContext context) {
        try {
            return of(context);
        } catch (ManagerClientException e) {
            if (e.status() == 0) {
                return VmMigrationDecisions.Placement.UNSETTLED;
            }
            throw e;
        }
    }
}
