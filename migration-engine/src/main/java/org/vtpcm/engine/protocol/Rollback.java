package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.engine.hosts.NodeDirectory;
import org.vtpcm.engine.journal.MigrationJournal;
import org.vtpcm.nodeapi.ManagerClientException;
import org.vtpcm.nodeapi.OutgoingView;

/**
 * Undoes a migration that stopped before the switchover: the VM migration (if any) is aborted and
 * awaited, the destination's incoming vTPCM is destroyed, the source vTPCM returns to RUNNING.
 * Every call is safe to repeat; a destination that cannot be reached is left for the cleanup loop.
 */
final class Rollback {
    private static final Logger LOG = LoggerFactory.getLogger(Rollback.class);
    private static final Duration VM_SETTLE = Duration.ofSeconds(60);
    private static final Duration SETTLE_POLL = Duration.ofMillis(200);
    /** A manager's answer to a hook whose migration id is not its vTPCM's current migration. */
    static final String MIGRATION_MISMATCH = "MIGRATION_MISMATCH";

    private final NodeDirectory nodes;
    private final MigrationJournal journal;
    private final Clock clock;
    private final Pacer pacer;

    Rollback(NodeDirectory nodes, MigrationJournal journal, Clock clock, Pacer pacer) {
        this.nodes = requireNonNull(nodes, "nodes is null");
        this.journal = requireNonNull(journal, "journal is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.pacer = requireNonNull(pacer, "pacer is null");
    }

    /** What rolling back found. */
    enum Result { ROLLED_BACK, CLEANUP_PENDING, SWITCHED_OVER }

    /**
     * Rolls back, unless the VM migration switched over after all.
     *
     * @param vmMigrationBegun whether the journal shows VM_MIGRATING begun: before it no libvirt job was ever asked for, so
     *     where the domain is needs no asking (a destination unreachable then is only a clean-up left pending)
     */
    Result run(MigrationContext context, boolean vmMigrationBegun) {
        if (context.sourceHost() != null && vmMigrationBegun && vmMigrationSwitchedOver(context)) {
            return Result.SWITCHED_OVER;
        }
        boolean destinationClean = context.destination() == null || abortDestination(context);
        if (context.sourceHost() != null) {
            nodes.node(context.sourceHost()).abort(context.id(), context.vmUuid());
        }
        if (!destinationClean) {
            journal.cleanupPending(context.id(), true);
            return Result.CLEANUP_PENDING;
        }
        return Result.ROLLED_BACK;
    }

    /** Whether a refusal of the destination's abort means nothing of this migration is left there. */
    static boolean destinationClean(ManagerClientException refusal) {
        // 404: nothing was prepared there, or it is already gone; MIGRATION_MISMATCH: the vTPCM there belongs to a
        // later migration now: nothing of this one is left, and it is not ours to touch
        return refusal.status() == 404 || refusal.status() == 409 && MIGRATION_MISMATCH.equals(refusal.code());
    }

    /**
     * Retried later for migrations marked cleanup_pending; true once the destination is clean. The abort names
     * this run's migration id (in its path), so the manager never applies a late clean-up to a later migration.
     */
    boolean abortDestination(MigrationContext context) {
        try {
            nodes.node(context.destinationName()).abort(context.id(), context.vmUuid());
            return true;
        } catch (ManagerClientException e) {
            if (destinationClean(e)) {
                return true;
            }
            LOG.warn("migration {}: cannot clean up on {} yet: {}", context.id(), context.destinationName(), e.getMessage());
            return false;
        }
    }

    /** Aborts a running VM migration and waits for libvirt's verdict; true if it completed anyway. */
    private boolean vmMigrationSwitchedOver(MigrationContext context) {
        Instant deadline = clock.instant().plus(VM_SETTLE);
        boolean abortSent = false;
        while (true) {
            OutgoingView status;
            try {
                status = nodes.node(context.sourceHost()).vmMigration(context.id(), context.vmUuid());
            } catch (ManagerClientException e) {
                if (e.status() == 0 && clock.instant().isBefore(deadline)) {
                    pacer.pause(SETTLE_POLL);
                    continue;
                }
                throw e;
            }
            if (status.switchedOver()) {
                return true; // completed, or the source's libvirtd confirmed success: the guest can no longer resume there
            }
            switch (status.status()) {
                case RUNNING -> {
                    if (!abortSent) {
                        nodes.node(context.sourceHost()).abortVmMigration(context.id());
                        abortSent = true;
                    }
                    if (clock.instant().isAfter(deadline)) {
                        throw new IllegalStateException("the VM migration did not stop within " + VM_SETTLE.toSeconds() + " s of its abort");
                    }
                    pacer.pause(SETTLE_POLL);
                }
                case UNKNOWN -> {
                    // the source's manager no longer knows the job (it restarted): where the domain is active decides; while
                    // both have it (the job still runs) or the destination cannot be asked, wait for it to settle, never undo under it
                    if (context.destination() == null) {
                        return false;
                    }
                    VmMigrationDecisions.Placement where = new VmPlacement(nodes).ifKnown(context);
                    if (where != VmMigrationDecisions.Placement.UNSETTLED) {
                        return where == VmMigrationDecisions.Placement.DESTINATION;
                    }
                    if (clock.instant().isAfter(deadline)) {
                        throw new IllegalStateException("cannot tell where the VM runs (its domain is active on both hosts, or "
                                + context.destinationName() + " cannot be asked) within " + VM_SETTLE.toSeconds()
                                + " s; nothing was undone");
                    }
                    pacer.pause(SETTLE_POLL);
                }
                default -> {
                    return false; // FAILED: libvirt kept the VM at the source
                }
            }
        }
    }
}
