package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import org.vtpcm.engine.hosts.NodeDirectory;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.nodeapi.AssociationView;
import org.vtpcm.nodeapi.ManagerClientException;

/**
 * COMMITTED: the destination activates the staged vTPCM (STAGED -> RUNNING, domain persistent);
 * the source destroys its vTPCM and erases the state, without waiting for its libvirtd to finish
 * stopping QEMU. Both are safe to repeat after a restart.
 */
final class CommitMigration implements PhaseStep {
    private final NodeDirectory nodes;

    CommitMigration(NodeDirectory nodes) {
        this.nodes = requireNonNull(nodes, "nodes is null");
    }

    @Override
    public Phase phase() {
        return Phase.COMMITTED;
    }

    @Override
    public String intent(MigrationContext context) {
        return "commit on " + context.destinationName() + ", erase on " + context.sourceHost();
    }

    @Override
    public Step run(ActiveRun run) {
        MigrationContext context = run.context();
        commitDestination(context);
        commitSource(context);
        return new Step(context, "vTPCM " + context.source().vtpcmId() + " runs on " + context.destinationName() + " at epoch "
                + context.newEpoch() + "; erased on " + context.sourceHost());
    }

    /** Whether the destination already runs the vTPCM at the migration's epoch (its commit answered before a loss). */
    static boolean alreadyCommitted(AssociationView row, long newEpoch) {
        return row.running() && row.epoch() == newEpoch;
    }

    private void commitDestination(MigrationContext context) {
        try {
            nodes.node(context.destinationName()).commit(context.id(), context.vmUuid());
        } catch (ManagerClientException e) {
            AssociationView row = nodes.node(context.destinationName()).vtpcm(context.vmUuid()).vtpcm();
            if (!alreadyCommitted(row, context.newEpoch())) {
                throw e;
            }
        }
    }

    /**
     * Past the switchover the source's libvirtd may still be stopping QEMU there (1-2 s): its manager
     * erases the vTPCM at once all the same, and libvirt undefines the domain itself when it is done.
     */
    private void commitSource(MigrationContext context) {
        try {
            nodes.node(context.sourceHost()).commit(context.id(), context.vmUuid());
        } catch (ManagerClientException e) {
            if (e.status() != 404) { // 404: no live vTPCM of the VM is left at the source, the commit already happened
                throw e;
            }
        }
    }
}
