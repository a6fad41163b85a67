package org.vtpcm.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.engine.journal.MigrationRecord;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.nodeapi.DomainState;
import org.vtpcm.protocol.state.StateDigest;

/**
 * VERIFIED on its own, after a switchover at 00:00:01.5 (the guest stopped at the source at 00:00:01.2) and a
 * check at 00:00:03: the interposers' digests, the destination's epoch, then the resume and the downtime.
 */
class VerifyStateTest {
    static final Duration POLL = Duration.ofMillis(10);

    @TempDir
    Path folder;
    Harness harness;

    @BeforeEach
    void start() {
        harness = new Harness(folder);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private ActiveRun switchedOver(boolean verifyBeforeResume) {
        ActiveRun run = harness.open(Optional.of("n2"), verifyBeforeResume);
        harness.runThrough(run, Phase.VM_MIGRATING);
        assertTrue(run.context().switchedOver());
        harness.time.clock.advance(Duration.ofSeconds(3));
        harness.nodes.log.clear();
        return run;
    }

    @Test
    void equalDigestsAndTheNewEpochResumeTheGuestAndMeasureItsDowntime() {
        ActiveRun run = switchedOver(true);
        assertEquals("compare the state digests of n1 and n2, then resume", harness.verify().intent(run.context()));

        Step result = harness.verify().run(run);

        assertEquals(List.of("n1 verify", "n2 verify", "n2 resume", "n2 vtpcm"), harness.nodes.log);
        assertEquals(FakeNode.DIGEST, result.context().digestLeft());
        assertEquals(FakeNode.DIGEST, result.context().digestArrived());
        assertEquals(new ArrivalFacts(40, 1500, 1800), result.context().arrival(),
                "QEMU's 40 ms; paused 1.5 s after the job ended; 1.8 s since the guest stopped at the source");
        assertEquals(DomainState.RUNNING, harness.n("n2").domains.get(Harness.VM));
        MigrationRecord record = harness.record(run);
        assertEquals(FakeNode.DIGEST, record.digestLeft());
        assertEquals(FakeNode.DIGEST, record.digestArrived());
        assertEquals(1800L, record.downtimeMillis());
        assertEquals(4L, record.epoch());
        assertEquals("digests equal (" + FakeNode.DIGEST + "), epoch 4; guest RUNNING at n2, downtime 1800 ms (QEMU's 40 ms; 1500 ms "
                + "paused for verification after the migration ended)", result.detail());
        assertTrue(harness.time.pauses.isEmpty(), "the reports were there: no wait");
    }

    @Test
    void resumeFirstOnlyReadsTheArrivalAndCountsQemusFigure() {
        ActiveRun run = switchedOver(false);

        Step result = harness.verify().run(run);

        assertEquals(List.of("n1 verify", "n2 verify", "n2 arrival", "n2 vtpcm"), harness.nodes.log);
        assertEquals(new ArrivalFacts(40, 0, 40), result.context().arrival());
        assertEquals(40L, harness.record(run).downtimeMillis());
    }

    @Test
    void theCheckWaitsForEachInterposersReport() {
        ActiveRun run = switchedOver(true);
        harness.n("n1").verifyNotReadyCalls = 3;
        harness.n("n2").verifyNotReadyCalls = 2;

        Step result = harness.verify().run(run);

        assertEquals(FakeNode.DIGEST, result.context().digestLeft());
        assertEquals(FakeNode.DIGEST, result.context().digestArrived());
        assertEquals(4, harness.n("n1").count("verify"));
        assertEquals(3, harness.n("n2").count("verify"));
        assertEquals(List.of(POLL, POLL, POLL, POLL, POLL), harness.time.pauses);
    }

    @Test
    void anInterposerSilentForTenSecondsGivesNoDigestAndAMismatchWithTheGuestKeptPaused() {
        ActiveRun run = switchedOver(true);
        harness.n("n1").verifyNotReadyCalls = Integer.MAX_VALUE;

        StateMismatchException mismatch = assertThrows(StateMismatchException.class, () -> harness.verify().run(run));

        assertEquals("the TPM state that arrived at n2 (" + FakeNode.DIGEST + ") is not the state that left n1 (no digest); the VM stays "
                + "paused there", mismatch.getMessage());
        Duration waited = harness.time.paused();
        assertTrue(waited.compareTo(Duration.ofSeconds(10)) > 0 && waited.compareTo(Duration.ofMillis(10_050)) < 0, waited.toString());
        MigrationRecord record = harness.record(run);
        assertEquals(StateDigest.NONE, record.digestLeft(), "journaled as no digest");
        assertEquals(FakeNode.DIGEST, record.digestArrived());
        assertEquals(0, harness.n("n2").count("resume"));
        assertEquals(DomainState.PAUSED, harness.n("n2").domains.get(Harness.VM));
    }

    @Test
    void noDigestOnEitherSideIsAMismatchNotAMatch() {
        ActiveRun run = switchedOver(true);
        harness.n("n1").verifyNotReadyCalls = Integer.MAX_VALUE;
        harness.n("n2").verifyNotReadyCalls = Integer.MAX_VALUE;
        assertThrows(StateMismatchException.class, () -> harness.verify().run(run));
        assertEquals(0, harness.n("n2").count("resume"));
    }

    @Test
    void resumeFirstMismatchSaysTheGuestAlreadyRuns() {
        ActiveRun run = switchedOver(false);
        harness.n("n2").interposerDigest = StateDigest.parse("77".repeat(32));
        StateMismatchException mismatch = assertThrows(StateMismatchException.class, () -> harness.verify().run(run));
        assertTrue(mismatch.getMessage().endsWith("; the VM already runs there (resume-first)"), mismatch.getMessage());
    }

    @Test
    void anotherEpochAtTheDestinationIsAMismatchBeforeAnyResume() {
        ActiveRun run = switchedOver(true);
        harness.n("n2").force(Harness.VM, "STAGED", 7, run.id());

        StateMismatchException mismatch = assertThrows(StateMismatchException.class, () -> harness.verify().run(run));

        assertEquals("the vTPCM at n2 has epoch 7, expected 4", mismatch.getMessage());
        assertEquals(1, harness.n("n2").count("resume"), "asked once, with the migration's epoch, and refused");
        assertEquals(DomainState.PAUSED, harness.n("n2").domains.get(Harness.VM));
    }

    @Test
    void digestsAlreadyJournaledAreNotAskedForAgain() {
        ActiveRun run = switchedOver(true);
        run.advance(run.context().withDigests(FakeNode.DIGEST, FakeNode.DIGEST));

        Step result = harness.verify().run(run);

        assertEquals(List.of("n2 resume", "n2 vtpcm"), harness.nodes.log);
        assertEquals(1800L, result.context().arrival().downtimeMillis());
    }

    @Test
    void aSwitchoverLearntAfterTheFactGivesQemusFigureAsTheDowntime() {
        ActiveRun run = switchedOver(true);
        ActiveRun restarted = harness.restarted(run);
        assertFalse(restarted.context().digestsKnown());

        Step result = harness.verify().run(restarted);

        assertEquals(new ArrivalFacts(40, 0, 40), result.context().arrival(), "no times of the switchover: QEMU's figure, a lower bound");
    }

    @Test
    void aBundleWhosePushFailedIsPushedAgainBeforeTheGuestResumes() {
        harness.n("n1").pushFailures = 1;
        ActiveRun run = switchedOver(true);
        assertEquals("MIGRATING_IN", harness.n("n2").row(Harness.VM).orElseThrow().state(), "the first push failed");

        harness.verify().run(run);

        assertEquals(List.of("n1 verify", "n2 verify", "n2 resume", "n2 vtpcm", "n1 vm-migration", "n1 send", "n2 vtpcm", "n2 resume",
                "n2 vtpcm"),
                harness.nodes.log);
        assertEquals(new org.vtpcm.nodeapi.SendRequest(Harness.VM, "n2", "https://n2:9443", null, null, 1, true),
                harness.n("n1").lastSend, "the same sealed bundle again: the engine no longer needs the destination's key");
        assertEquals("STAGED", harness.n("n2").row(Harness.VM).orElseThrow().state());
    }

    @Test
    void aPushStillUnderWayIsWaitedFor() {
        harness.n("n1").pushFailures = 1;
        ActiveRun run = switchedOver(true);
        harness.n("n1").push = new org.vtpcm.nodeapi.BundleStatus(org.vtpcm.nodeapi.BundleStatus.State.PUSHING, 4096, 0, 0, 0, null);
        harness.time.meanwhile = () -> harness.n("n2").force(Harness.VM, "STAGED", 4, run.id());
        long sends = harness.n("n1").count("send");

        harness.verify().run(run);

        assertEquals(sends, harness.n("n1").count("send"), "nothing pushed twice while a push is under way");
        assertEquals(DomainState.RUNNING, harness.n("n2").domains.get(Harness.VM));
    }

    @Test
    void aDestinationWithoutItsIncomingVtpcmIsAMismatchNotAWait() {
        ActiveRun run = switchedOver(true);
        harness.n("n2").force(Harness.VM, "CREATED", 4, run.id());

        StateMismatchException mismatch = assertThrows(StateMismatchException.class, () -> harness.verify().run(run));

        assertEquals("the destination n2 holds no incoming vTPCM of this migration to stage its state into (it is CREATED at epoch 4)",
                mismatch.getMessage());
        assertEquals(DomainState.PAUSED, harness.n("n2").domains.get(Harness.VM), "the guest is not resumed");
    }
}
