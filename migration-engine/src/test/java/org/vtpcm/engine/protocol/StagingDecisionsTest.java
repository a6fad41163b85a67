package org.vtpcm.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.vtpcm.nodeapi.AssociationView;
import org.vtpcm.nodeapi.BundleStatus;

class StagingDecisionsTest {
    private static AssociationView row(String state, long epoch) {
        return new AssociationView(UUID.randomUUID(), UUID.randomUUID(), "vm", state, epoch, "n2", "deny", Instant.EPOCH, Instant.EPOCH,
                null, UUID.randomUUID());
    }

    private static BundleStatus push(BundleStatus.State state) {
        return new BundleStatus(state, 4096, 1, 0, 3, state == BundleStatus.State.FAILED ? "refused" : null);
    }

    @Test
    void stagedOrCommittedAtTheMigrationsEpochIsReady() {
        assertEquals(Optional.of(StagingDecisions.Next.READY), StagingDecisions.atDestination(row("STAGED", 4), 4));
        assertEquals(Optional.of(StagingDecisions.Next.READY), StagingDecisions.atDestination(row("RUNNING", 4), 4));
    }

    @Test
    void anotherEpochIsNeverReady() {
        assertEquals(Optional.of(StagingDecisions.Next.WRONG_EPOCH), StagingDecisions.atDestination(row("STAGED", 3), 4));
        assertEquals(Optional.of(StagingDecisions.Next.WRONG_EPOCH), StagingDecisions.atDestination(row("RUNNING", 5), 4));
    }

    @Test
    void anIncomingVtpcmWaitsForThePushAndAnyOtherStateIsLost() {
        assertEquals(Optional.empty(), StagingDecisions.atDestination(row("MIGRATING_IN", 4), 4));
        assertEquals(Optional.of(StagingDecisions.Next.LOST), StagingDecisions.atDestination(row("DESTROYED", 4), 4));
        assertEquals(Optional.of(StagingDecisions.Next.LOST), StagingDecisions.atDestination(row("MIGRATING_OUT", 4), 4));
    }

    @Test
    void aFailedOrForgottenPushIsPushedAgainAndOneUnderWayWaitedFor() {
        assertEquals(StagingDecisions.Next.PUSH_AGAIN, StagingDecisions.whilePushing(null));
        assertEquals(StagingDecisions.Next.PUSH_AGAIN, StagingDecisions.whilePushing(push(BundleStatus.State.FAILED)));
        assertEquals(StagingDecisions.Next.WAIT, StagingDecisions.whilePushing(push(BundleStatus.State.PUSHING)));
        assertEquals(StagingDecisions.Next.WAIT, StagingDecisions.whilePushing(push(BundleStatus.State.STAGED)),
                "the source saw it staged: the destination's row follows");
    }
}
