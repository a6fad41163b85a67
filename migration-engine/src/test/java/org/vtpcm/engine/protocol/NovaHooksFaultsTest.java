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

    /** Found as a bug (the run stayed open until an engine restart): the sweep now rolls it forward. */
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

    /** Found as a bug (the sweep destroyed the arriving guest's vTPCM): a guest in flight is left to settle. */
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

    @Test
    void anOperatorCannotAbortARunWhoseGuestNovaIsMoving() {
        nova.begin("n2");
        nova.prepare();
        nova.send();
        nova.vmInFlight("n2");
        PastSwitchoverException refused = assertThrows(PastSwitchoverException.class, () -> nova.hooks.abortByOperator(nova.migration));
        assertTrue(refused.getMessage().contains("Nova is moving the guest"), refused.getMessage());
        assertEquals("STAGED", harness.n("n2").row(Harness.VM).orElseThrow().state(), "the arriving guest keeps its vTPCM");
        nova.moveVm("n2");
        assertEquals(Phase.COMMITTED, nova.commit().outcome(), "Nova finishes what it started");
    }

    @Test
    void aRunWhoseGuestSettledAtTheSourceIsRolledBackByTheSweep() {
        nova.begin("n2");
        nova.prepare();
        nova.send(); // Nova's job then failed without calling its rollback hook: the guest stayed at the source
        harness.time.clock.advance(RUN_TIMEOUT.plusSeconds(1));
        nova.hooks.expireStale();
        MigrationRecord record = harness.journal.find(nova.migration).orElseThrow();
        assertEquals(Phase.ROLLED_BACK, record.outcome());
        assertEquals("RUNNING", harness.n("n1").row(Harness.VM).orElseThrow().state());
        assertEquals("DESTROYED", harness.n("n2").row(Harness.VM).orElseThrow().state());
    }

    @Test
    void theSweepWaitsWhenTheDestinationCannotBeAskedWhereTheGuestIs() {
        nova.begin("n2");
        nova.prepare();
        nova.send();
        nova.vmInFlight("n2");
        harness.n("n2").unreachable = true;
        harness.time.clock.advance(RUN_TIMEOUT.plusSeconds(1));
        nova.hooks.expireStale();
        assertTrue(harness.journal.find(nova.migration).orElseThrow().isActive(), "neither rolled back nor forward blind");
        assertEquals("STAGED", harness.n("n2").row(Harness.VM).orElseThrow().state());
        assertEquals("MIGRATING_OUT", harness.n("n1").row(Harness.VM).orElseThrow().state());
        harness.n("n2").unreachable = false;
        nova.moveVm("n2");
        nova.hooks.expireStale();
        assertEquals(Phase.COMMITTED, harness.journal.find(nova.migration).orElseThrow().outcome(), "settled at the destination");
    }

    /** The phases the journal shows begun for Nova's migration, in order. */
    private List<Phase> phases() {
        return harness.journal.find(nova.migration).orElseThrow().phases().stream().map(timing -> timing.phase()).toList();
    }
}
