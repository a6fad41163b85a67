package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.vtpcm.engine.hosts.NodeDirectory;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.nodeapi.AssociationView;
import org.vtpcm.nodeapi.ManagerClientException;
import org.vtpcm.nodeapi.VmMigrationStatus;

/**
 * COMMITTED: the destination activates the staged vTPCM (STAGED -> RUNNING, domain persistent);
 * the source destroys its vTPCM and erases the state. Both are safe to repeat after a restart.
 */
final class CommitMigration implements PhaseStep {
    private static final Duration SOURCE_SETTLE = Duration.ofSeconds(60);
    private static final Duration SOURCE_POLL = Duration.ofMillis(50);

    private final NodeDirectory nodes;
    private final Clock clock;
    private final Pacer pacer;

    CommitMigration(NodeDirectory nodes, Clock clock, Pacer pacer) {
        this.nodes = requireNonNull(nodes, "nodes is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.pacer = requireNonNull(pacer, "pacer is null");
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

    /** The guest already runs at the destination; the source's libvirtd may still be closing its side of the job. */
    private void awaitSourceMigrationEnd(MigrationContext context) {
        Instant deadline = clock.instant().plus(SOURCE_SETTLE);
        while (clock.instant().isBefore(deadline)) {
            if (nodes.node(context.sourceHost()).vmMigration(context.id(), context.vmUuid()).status() != VmMigrationStatus.RUNNING) {
                return;
            }
            pacer.pause(SOURCE_POLL);
        }
        throw new IllegalStateException("the source's libvirtd did not finish the VM migration within " + SOURCE_SETTLE.toSeconds() + " s");
    }

    private void commitSource(MigrationContext context) {
        awaitSourceMigrationEnd(context);
        try {
            nodes.node(context.sourceHost()).commit(context.id(), context.vmUuid());
        } catch (ManagerClientException e) {
            if (e.status() != 404) { // 404: no live vTPCM of the VM is left at the source, the commit already happened
                throw e;
            }
        }
    }
}
