package org.vtpcm.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.engine.attestation.AttestationState;
import org.vtpcm.engine.journal.MigrationRecord;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.nodeapi.ManagerClientException;
import org.vtpcm.protocol.state.StateDigest;

/** Nova's hooks when something fails: node errors, stale and failed attestations, digest mismatches, runs Nova leaves behind. */
class NovaHooksFaultsTest {
    /** Harness's defaults: attestation.freshness-seconds and nova.run-timeout-seconds. */
    private static final Duration FRESHNESS = Duration.ofSeconds(60);
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(900);

    @TempDir
    Path folder;
    Harness harness;
    NovaDriver nova;

    @BeforeEach
    void start() {
        harness = new Harness(folder);
        nova = new NovaDriver(harness);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void sendAttestsTheDestinationAgainWhenTheQuoteFromBeginIsStale() {
        nova.begin("n2");
        nova.prepare();
        harness.time.clock.advance(FRESHNESS.plusSeconds(1));
        MigrationRecord sent = nova.send();
        assertEquals(Phase.VM_MIGRATING, sent.phase());
        assertEquals(List.of("n2", "n2"), harness.attested, "attested at begin, and again before the state left");
        nova.moveVm("n2");
        assertEquals(Phase.COMMITTED, nova.commit().outcome());
    }

    @Test
    void sendKeepsAQuoteStillFresh() {
        nova.begin("n2");
        nova.prepare();
        harness.time.clock.advance(FRESHNESS);
        assertEquals(Phase.VM_MIGRATING, nova.send().phase());
        assertEquals(List.of("n2"), harness.attested);
    }

    @Test
    void aFailedReattestationRollsBackWithUntrustedBeforeTheStateLeaves() {
        nova.begin("n2");
        nova.prepare();
        harness.verdicts.put("n2", AttestationState.UNTRUSTED);
        harness.time.clock.advance(FRESHNESS.plusSeconds(1));
        NovaRefusedException refused = assertThrows(NovaRefusedException.class, nova::send);
        assertEquals("UNTRUSTED", refused.code());
        assertEquals(Phase.ROLLED_BACK, refused.record().outcome());
        assertTrue(refused.getMessage().contains("destination n2 failed attestation"), refused.getMessage());
        assertEquals(0, harness.n("n1").count("freeze") + harness.n("n1").count("send"), "no state left the source");
        assertEquals("DESTROYED", harness.n("n2").row(Harness.VM).orElseThrow().state(), "the incoming vTPCM is destroyed");
        assertEquals("RUNNING", harness.n("n1").row(Harness.VM).orElseThrow().state());
        assertFalse(phases().contains(Phase.TPCM_STATE_SENT));
        assertThrows(UnknownMigrationException.class, nova::commit);
    }

    @Test
    void aReattestationThatCannotBeDoneRollsBackWithUntrusted() {
        nova.begin("n2");
        nova.prepare();
        harness.attestationFault = () -> new IllegalStateException("the verifier of n2 timed out");
        harness.time.clock.advance(FRESHNESS.plusSeconds(1));
        NovaRefusedException refused = assertThrows(NovaRefusedException.class, nova::send);
        assertEquals("UNTRUSTED", refused.code());
        assertTrue(refused.getMessage().startsWith("re-attestation failed: the verifier of n2 timed out"), refused.getMessage());
        assertEquals(0, harness.n("n1").count("freeze"));
        assertEquals("RUNNING", harness.n("n1").row(Harness.VM).orElseThrow().state());
    }

    @Test
    void aDestinationFailingToPrepareIsANodeErrorAndRollsBack() {
        nova.begin("n2");
        harness.n("n2").failOn.put("prepare-incoming", () -> new ManagerClientException(500, "INTERNAL", "swtpm did not start"));
        NovaRefusedException refused = assertThrows(NovaRefusedException.class, nova::prepare);
        assertEquals("NODE_ERROR", refused.code());
        assertEquals(Phase.ROLLED_BACK, refused.record().outcome());
        assertTrue(refused.getMessage().startsWith("stopped by an error: swtpm did not start"), refused.getMessage());
        assertEquals("RUNNING", harness.n("n1").row(Harness.VM).orElseThrow().state());
        assertEquals(3, harness.n("n1").row(Harness.VM).orElseThrow().epoch());
        assertThrows(UnknownMigrationException.class, nova::send, "Nova's next hook finds the run gone");
    }

    @Test
    void aSourceFailingToSendIsANodeErrorAndTheVtpcmRunsAtTheSourceAgain() {
        nova.begin("n2");
        nova.prepare();
        harness.n("n1").failOn.put("send", () -> new ManagerClientException(502, "BAD_GATEWAY", "n2 refused the bundle"));
        NovaRefusedException refused = assertThrows(NovaRefusedException.class, nova::send);
        assertEquals("NODE_ERROR", refused.code());
        assertEquals(Phase.ROLLED_BACK, refused.record().outcome());
        assertEquals(1, harness.n("n1").count("freeze"), "it was frozen before the send failed");
        assertEquals("RUNNING", harness.n("n1").row(Harness.VM).orElseThrow().state(), "thawed by the rollback");
        assertEquals(4, harness.n("n1").row(Harness.VM).orElseThrow().epoch(), "the aborted attempt consumed an epoch");
        assertEquals("DESTROYED", harness.n("n2").row(Harness.VM).orElseThrow().state());
        assertFalse(phases().contains(Phase.VM_MIGRATING), "Nova is not told to move the VM");
    }

    @Test
    void digestsThatDifferFailTheMigrationAtCommitAndNothingIsCommitted() {
        nova.begin("n2");
        nova.prepare();
        nova.send();
        nova.moveVm("n2");
        harness.n("n2").interposerDigest = StateDigest.parse("77".repeat(32));
        NovaRefusedException refused = assertThrows(NovaRefusedException.class, nova::commit);
        assertEquals("STATE_MISMATCH", refused.code());
        assertTrue(refused.getMessage().contains("is not the state that left n1"), refused.getMessage());
        assertTrue(refused.getMessage().contains("resume-first"), refused.getMessage());
        MigrationRecord failed = harness.journal.find(nova.migration).orElseThrow();
        assertEquals(Phase.FAILED, failed.outcome());
        assertTrue(failed.switchedOver());
        assertEquals(0, harness.n("n1").count("commit") + harness.n("n2").count("commit"), "neither side commits");
        assertEquals("STAGED", harness.n("n2").row(Harness.VM).orElseThrow().state());
        assertEquals("MIGRATING_OUT", harness.n("n1").row(Harness.VM).orElseThrow().state(), "the source's state is kept for the operator");
        assertTrue(harness.receipts.find(nova.migration).isEmpty(), "no receipt for a failed migration");
        // a repeated post_live_migration_at_destination never commits a failed migration
        assertThrows(UnknownMigrationException.class, nova::commit);
        assertEquals(Phase.FAILED, harness.journal.find(nova.migration).orElseThrow().outcome());
        assertEquals(0, harness.n("n2").count("commit"));
    }

    @Test
    void pastTheSwitchoverAFailedCommitIsNeitherAbortedNorExpiredAndNovasRetryCommits() {
        nova.begin("n2");
        nova.prepare();
        nova.send();
        nova.moveVm("n2");
        harness.n("n2").failOn.put("commit", () -> new ManagerClientException(0, "UNREACHABLE", "cannot reach n2"));
        assertThrows(ManagerClientException.class, nova::commit);
        MigrationRecord stuck = harness.journal.find(nova.migration).orElseThrow();
        assertTrue(stuck.isActive());
        assertTrue(stuck.switchedOver(), "the switchover is journaled before the verification");
        assertTrue(stuck.done(Phase.VERIFIED));
        assertFalse(stuck.done(Phase.COMMITTED), "the commit began, it is not done");

        assertThrows(PastSwitchoverException.class, () -> nova.abort("rollback_live_migration_at_destination"));
        assertThrows(PastSwitchoverException.class, () -> nova.hooks.abortByOperator(nova.migration));
        assertThrows(PastSwitchoverException.class, () -> harness.protocol.coordinator().abort(nova.migration));
        harness.time.clock.advance(RUN_TIMEOUT.multipliedBy(10));
        nova.hooks.expireStale();
        assertTrue(harness.journal.find(nova.migration).orElseThrow().isActive(), "a switched-over run is never expired");
        assertEquals(0, harness.n("n2").count("abort") + harness.n("n1").count("abort"), "nothing was rolled back");

        harness.n("n2").failOn.clear();
        MigrationRecord committed = nova.commit();
        assertEquals(Phase.COMMITTED, committed.outcome(), committed.reason());
        assertEquals(1, harness.n("n2").count("verify"), "VERIFIED was done and is not done again");
        assertEquals("RUNNING", harness.n("n2").row(Harness.VM).orElseThrow().state());
        assertEquals("DESTROYED", harness.n("n1").row(Harness.VM).orElseThrow().state());
        assertTrue(harness.receipts.verify(harness.receipts.find(nova.migration).orElseThrow()));
    }

    @Test
    void theSweepRollsBackARunNovaLeftLongerThanTheRunTimeout() {
        nova.begin("n2");
        nova.prepare();
        harness.time.clock.advance(RUN_TIMEOUT);
        nova.hooks.expireStale();
        assertTrue(harness.journal.find(nova.migration).orElseThrow().isActive(), "exactly the timeout is not yet over it");
        harness.time.clock.advance(Duration.ofSeconds(1));
        nova.hooks.expireStale();
        MigrationRecord expired = harness.journal.find(nova.migration).orElseThrow();
        assertEquals(Phase.ROLLED_BACK, expired.outcome());
        assertTrue(expired.reason().startsWith("expired: Nova did not finish the migration within 900 s"), expired.reason());
        assertEquals("DESTROYED", harness.n("n2").row(Harness.VM).orElseThrow().state());
        assertEquals("RUNNING", harness.n("n1").row(Harness.VM).orElseThrow().state());
        assertThrows(UnknownMigrationException.class, nova::send, "Nova's late hook finds the run gone");
        nova.hooks.expireStale();
        assertEquals(1, harness.n("n2").count("abort"), "an expired run is rolled back once");
    }

    @Test
    void theSweepLeavesARecentRunAndANewAttemptAfterAnExpiredOneProceeds() {
        nova.begin("n2");
        harness.time.clock.advance(RUN_TIMEOUT.plusSeconds(1));
        nova.hooks.expireStale();
        assertEquals(Phase.ROLLED_BACK, harness.journal.find(nova.migration).orElseThrow().outcome());
        MigrationRecord next = nova.begin("n3");
        nova.hooks.expireStale();
        assertTrue(harness.journal.find(next.id()).orElseThrow().isActive(), "the new attempt is younger than the timeout");
        nova.prepare();
        nova.send();
        nova.moveVm("n3");
        assertEquals(Phase.COMMITTED, nova.commit().outcome());
    }

    @Test
    void theSweepRollsForwardARunWhoseGuestAlreadyMovedAndNovasLateCommitAnswersIt() {
        nova.begin("n2");
        nova.prepare();
        nova.send();
        nova.moveVm("n2"); // Nova's libvirt driver finished, but post_live_migration_at_destination never came
        harness.time.clock.advance(RUN_TIMEOUT.plusSeconds(1));
        nova.hooks.expireStale();
        MigrationRecord record = harness.journal.find(nova.migration).orElseThrow();
        assertEquals(Phase.COMMITTED, record.outcome(), record.reason());
        assertTrue(record.switchedOver(), "the rollback found the guest at the destination");
        assertEquals("RUNNING", harness.n("n2").row(Harness.VM).orElseThrow().state());
        assertEquals(4, harness.n("n2").row(Harness.VM).orElseThrow().epoch());
        assertEquals(Phase.COMMITTED, nova.commit().outcome(), "Nova's late commit answers the committed record");
    }

    @Disabled("bug: a Nova-driven run whose commit failed after the switchover (a node unreachable for a moment) is never rolled "
            + "forward while the engine runs: NovaHooks.commit calls MigrationRunner.finishOnce once and lets the error through, "
            + "expireStale skips switched-over runs, nothing else retries, and Nova's driver raises MigrationError without calling "
            + "commit again (driver.py post_live_migration_at_destination). The run stays active with the vTPCM STAGED at the "
            + "destination and MIGRATING_OUT at the source, the guest quarantined, no further migration of the VM possible and "
            + "operator aborts refused (past the switchover), until an engine restart's recovery rolls it forward. Engine-driven "
            + "runs retry (MigrationRunner.rollForward); Nova-driven ones should too, e.g. in the periodic sweep")
    @Test
    void aSwitchedOverRunWhoseCommitFailedIsRolledForwardByTheSweepWithoutNovaOrARestart() {
        nova.begin("n2");
        nova.prepare();
        nova.send();
        nova.moveVm("n2");
        harness.n("n2").failOn.put("commit", () -> new ManagerClientException(0, "UNREACHABLE", "cannot reach n2"));
        assertThrows(ManagerClientException.class, nova::commit);
        harness.n("n2").failOn.clear(); // n2 answers again; Nova does not call commit again
        harness.time.clock.advance(RUN_TIMEOUT.plusSeconds(1));
        nova.hooks.expireStale();
        MigrationRecord record = harness.journal.find(nova.migration).orElseThrow();
        assertEquals(Phase.COMMITTED, record.outcome(), "phase " + record.phase() + " begun, outcome " + record.outcome());
        assertEquals("RUNNING", harness.n("n2").row(Harness.VM).orElseThrow().state());
    }

    @Disabled("bug: the sweep rolls back a run in VM_MIGRATING while Nova's libvirt job may still move the guest. expireStale "
            + "measures nova.run-timeout-seconds (900) from the migration's creation, but Nova's own live_migration_completion_timeout "
            + "is 800 s per GiB of RAM, so a large guest is still legitimately in flight. Rollback.run then sees UNKNOWN at the "
            + "source manager (it does not own Nova's job, so it cannot abort it) and placement UNSETTLED (both domains active), "
            + "treats that as not switched over, destroys the destination's staged vTPCM and thaws the source's to RUNNING; when "
            + "Nova's job then completes, the guest runs at the destination with no vTPCM while a live copy runs at the source. A run "
            + "whose guest is in flight must not be rolled back (wait for the placement to settle, or leave it to Nova's abort hook)")
    @Test
    void theSweepDoesNotRollBackARunWhoseGuestIsStillInFlight() {
        nova.begin("n2");
        nova.prepare();
        nova.send();
        nova.vmInFlight("n2");
        harness.time.clock.advance(RUN_TIMEOUT.plusSeconds(1));
        nova.hooks.expireStale();
        assertEquals("STAGED", harness.n("n2").row(Harness.VM).orElseThrow().state(), "the arriving guest keeps its vTPCM");
        assertEquals("MIGRATING_OUT", harness.n("n1").row(Harness.VM).orElseThrow().state(), "no second live copy at the source");
    }

    /** The phases the journal shows begun for Nova's migration, in order. */
    private List<Phase> phases() {
        return harness.journal.find(nova.migration).orElseThrow().phases().stream().map(timing -> timing.phase()).toList();
    }
}
