package org.vtpcm.engine.protocol;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.vtpcm.engine.journal.VmProgress;
import org.vtpcm.nodeapi.BundleStatus;
import org.vtpcm.nodeapi.JobProgress;
import org.vtpcm.nodeapi.OutgoingView;

/**
 * The decisions of following a VM migration, as pure functions (as Nova's libvirt/migration.py keeps
 * them): {@link MigrateVm} only polls, sleeps and acts on what these answer.
 */
final class VmMigrationDecisions {
    private VmMigrationDecisions() {
    }

    /** What the source's record of the VM migration says. */
    enum Verdict {
        /** libvirt finished: the guest runs (or sits paused) at the destination. */
        COMPLETED,
        /** The source's libvirtd confirmed success and is stopping QEMU there: the switchover, before the job returns. */
        CONFIRMED,
        /** libvirt gave up: the guest stays at the source. */
        FAILED,
        /** The source manager holds no record (it restarted): where the domains are decides. */
        NO_RECORD,
        /** Still migrating, or the source manager cannot be asked right now. */
        RUNNING
    }

    /** Where the VM's domain is active when the source no longer remembers the migration. */
    enum Placement { DESTINATION, SOURCE, UNSETTLED }

    /**
     * The verdict on the source's answer; empty (the source manager unreachable) counts as RUNNING:
     * the libvirt job goes on without its manager.
     */
    static Verdict verdict(Optional<OutgoingView> status) {
        if (status.isEmpty()) {
            return Verdict.RUNNING;
        }
        OutgoingView view = status.get();
        return switch (view.status()) {
            // the source's verdict, not the destination's arrival: if libvirt's Finish reply is lost, the source
            // cancels and resumes its guest although the destination has it; under verify-before-resume the
            // destination's copy then stays paused and is destroyed by the rollback: never two running guests
            case COMPLETED -> Verdict.COMPLETED;
            case FAILED -> Verdict.FAILED;
            case UNKNOWN -> Verdict.NO_RECORD;
            case RUNNING -> view.confirmedAt() != null ? Verdict.CONFIRMED : Verdict.RUNNING;
        };
    }

    /** Where the VM is, by which host has it active. */
    static Placement placement(boolean destinationActive, boolean sourceActive) {
        if (destinationActive && !sourceActive) {
            return Placement.DESTINATION;
        }
        if (sourceActive && !destinationActive) {
            return Placement.SOURCE;
        }
        return Placement.UNSETTLED; // both active: the job still runs; neither: wait for libvirt to settle
    }

    /**
     * Why the VM migration must be aborted now, or empty: an operator asked, it ran past its timeout,
     * or the destination manager has been unreachable for the tolerated time (before the switchover).
     */
    static Optional<String> abortReason(boolean abortRequested, Duration elapsed, Duration timeout, Instant destinationLostSince,
            Instant now, Duration lossTolerance, String destination) {
        if (abortRequested) {
            return Optional.of("aborted by the operator");
        }
        if (elapsed.compareTo(timeout) > 0) {
            return Optional.of("the VM migration took longer than " + timeout.toSeconds() + " s");
        }
        if (destinationLostSince != null && Duration.between(destinationLostSince, now).compareTo(lossTolerance) >= 0) {
            return Optional.of("the destination manager on " + destination + " became unreachable before the switchover");
        }
        return Optional.empty();
    }

    /**
     * Why the VM migration must stop because the vTPCM's bundle could not be staged at the destination
     * (its push in the background failed), or empty. Only asked before the switchover: after it, the
     * bundle is pushed again until the destination has it.
     */
    static Optional<String> bundleFailure(Optional<OutgoingView> status, String destination) {
        return status.map(OutgoingView::bundle).filter(BundleStatus::failed)
                .map(push -> "the vTPCM's state could not be staged at " + destination + ": " + push.error());
    }

    /** When the destination was first seen unreachable: kept while it stays lost, cleared when it answers. */
    static Instant lostSince(Instant before, boolean reachable, Instant now) {
        return reachable ? null : before == null ? now : before;
    }

    /**
     * The progress to journal, or empty when there is none to show (libvirt 9.0 gives no byte counts
     * for a running peer-to-peer job in the lab).
     */
    static Optional<VmProgress> progress(JobProgress progress, Duration sinceFollowing) {
        if (progress == null || progress.dataTotal() <= 0) {
            return Optional.empty();
        }
        long elapsed = Math.max(1, progress.elapsedMillis() > 0 ? progress.elapsedMillis() : sinceFollowing.toMillis());
        long rate = progress.dataProcessed() * 1000 / elapsed;
        Long eta = rate > 0 ? Long.valueOf(progress.dataRemaining() / rate) : null;
        return Optional.of(new VmProgress(progress.dataTotal(), progress.dataProcessed(), progress.dataRemaining(), rate, eta));
    }
}
