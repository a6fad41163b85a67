package org.vtpcm.engine.protocol;

import org.vtpcm.nodeapi.AssociationView;
import org.vtpcm.nodeapi.BundleStatus;

/**
 * Whether the vTPCM's bundle, pushed by the source while the VM migrated, is staged at the
 * destination yet, as a pure function: {@link VerifyState} only asks the nodes and waits.
 */
final class StagingDecisions {
    private StagingDecisions() {
    }

    enum Next {
        /** Staged at the migration's epoch (or already committed there). */
        READY,
        /** The push is under way. */
        WAIT,
        /** The push failed, or the source no longer knows of it (its manager restarted): push the sealed bundle again. */
        PUSH_AGAIN,
        /** Staged or running there, but at another epoch than this migration's. */
        WRONG_EPOCH,
        /** The destination holds no incoming vTPCM of this migration to stage into. */
        LOST
    }

    /** What the destination's row alone says: READY, WRONG_EPOCH, LOST, or empty while it waits for the bundle (MIGRATING_IN). */
    static java.util.Optional<Next> atDestination(AssociationView destination, long newEpoch) {
        if (AssociationView.STAGED.equals(destination.state()) || destination.running()) {
            return java.util.Optional.of(destination.epoch() == newEpoch ? Next.READY : Next.WRONG_EPOCH);
        }
        return "MIGRATING_IN".equals(destination.state()) ? java.util.Optional.empty() : java.util.Optional.of(Next.LOST);
    }

    /**
     * While the destination waits for the bundle: what the source's push says.
     *
     * @param push the source's push of this migration's bundle; null when the source has no record of one
     */
    static Next whilePushing(BundleStatus push) {
        return push == null || push.failed() ? Next.PUSH_AGAIN : Next.WAIT;
    }
}
