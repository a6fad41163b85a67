package org.vtpcm.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.vtpcm.engine.journal.MigrationOptions;
import org.vtpcm.engine.journal.MigrationRecord;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.nodeapi.DomainState;
import org.vtpcm.nodeapi.ManagerClientException;
import org.vtpcm.nodeapi.VmMigrationStatus;
import org.vtpcm.protocol.state.StateDigest;

/**
 * The engine dies at each phase and recovers the migration from the journal alone (a fresh run built as the
 * coordinator builds it, the nodes unchanged): before the switchover it rolls back, after it it rolls forward,
 * and the journal's end matches what the nodes hold, with the epoch advanced once at most.
 */
class RecoveryTest {
    @TempDir
    Path folder;
    Harness harness;
    FakeNode source;
    FakeNode destination;

    @BeforeEach
    void start() {
        harness = new Harness(folder);
        source = harness.n("n1");
        destination = harness.n("n2");
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @ParameterizedTest
    @EnumSource(value = Phase.class, names = {"REQUESTED", "TARGET_SELECTED", "DEST_ATTESTED", "DEST_PREPARED", "TPCM_STATE_SENT"})
    void aCrashAfterAPhaseBeforeTheVmMigrationRollsBack(Phase last) {
        ActiveRun run = harness.open();
        harness.runThrough(run, last);

        MigrationRecord record = harness.recover(run);

        Outcomes.assertRolledBack(harness, run, Outcomes.sourceEpochAfterRollingBackFrom(last));
        assertEquals("the engine restarted during " + last + ", before the switchover; the VM and its vTPCM run at n1", record.reason());
    }

    @ParameterizedTest
    @EnumSource(value = Phase.class, names = {"TARGET_SELECTED", "DEST_ATTESTED", "DEST_PREPARED", "TPCM_STATE_SENT"})
    void aCrashDuringAPhaseAfterItsSideEffectRollsBack(Phase phase) {
        ActiveRun run = harness.open();
        harness.runThrough(run, Phase.values()[phase.ordinal() - 1]);
        harness.crashDuring(run, phase);
        assertFalse(harness.record(run).done(phase));

        MigrationRecord record = harness.recover(run);

        Outcomes.assertRolledBack(harness, run, Outcomes.sourceEpochAfterRollingBackFrom(phase));
        assertTrue(record.reason().startsWith("the engine restarted during " + phase), record.reason());
    }

    @Test
    void aCrashBeforeTheVtpcmWasLocatedRollsBackWithoutAskingAnyNode() {
        UUID id = UUID.randomUUID();
        harness.journal.create(id, "ab".repeat(32), Harness.VM, new MigrationOptions("explicit", 1, false, true, true, 0));
        MigrationRecord record = harness.journal.find(id).orElseThrow();
        ActiveRun run = new ActiveRun(MigrationContext.fromRecord(record, java.util.Optional.empty()));

        harness.protocol.runner().recover(record, run);

        MigrationRecord ended = harness.journal.find(id).orElseThrow();
        assertEquals(Phase.ROLLED_BACK, ended.outcome());
        assertEquals("the engine restarted during REQUESTED, before the switchover", ended.reason());
        assertTrue(harness.nodes.log.isEmpty());
        assertEquals("RUNNING", source.row(Harness.VM).orElseThrow().state());
    }

    private ActiveRun crashedWhileTheVmMigrates() {
        ActiveRun run = harness.open();
        harness.runThrough(run, Phase.TPCM_STATE_SENT);
        harness.crashAfterVmMigrationStarted(run);
        return run;
    }

    @Test
    void aVmMigrationFollowedAfterTheRestartThatCompletesIsCommitted() {
        ActiveRun run = crashedWhileTheVmMigrates();
        source.vmMigrationScript.addAll(List.of(VmMigrationStatus.RUNNING, VmMigrationStatus.RUNNING, VmMigrationStatus.COMPLETED));
        harness.time.clock.advance(Duration.ofSeconds(3));

        MigrationRecord record = harness.recover(run);

        Outcomes.assertCommitted(harness, run);
        assertEquals(1, source.count("migrate-vm"), "followed, not started again");
        assertTrue(record.done(Phase.VM_MIGRATING));
        assertEquals(2000L, record.downtimeMillis(), "the source still knew when the guest stopped (00:00:01.2); resumed at 00:00:03.2");
    }

    @Test
    void aVmMigrationFollowedAfterTheRestartThatFailsIsRolledBack() {
        ActiveRun run = crashedWhileTheVmMigrates();
        source.vmMigrationScript.addAll(List.of(VmMigrationStatus.RUNNING, VmMigrationStatus.FAILED));

        MigrationRecord record = harness.recover(run);

        Outcomes.assertRolledBack(harness, run, 4);
        assertEquals("the VM migration failed: job failed; the VM and its vTPCM run at n1", record.reason());
    }

    @Test
    void noRecordAtTheSourceAndTheVmAtTheDestinationIsJudgedMigratedAndCommitted() {
        ActiveRun run = crashedWhileTheVmMigrates();
        source.moveDomain(Harness.VM);
        source.remembersVmMigration = false; // the source's manager restarted too

        harness.recover(run);

        Outcomes.assertCommitted(harness, run);
        assertEquals(0, source.count("abort") + destination.count("abort"));
    }

    @Test
    void noRecordAtTheSourceAndTheVmStillThereIsJudgedNotMigratedAndRolledBack() {
        ActiveRun run = crashedWhileTheVmMigrates();
        source.remembersVmMigration = false;

        MigrationRecord record = harness.recover(run);

        Outcomes.assertRolledBack(harness, run, 4);
        assertEquals("the VM migration did not complete: the VM still runs at n1; the VM and its vTPCM run at n1", record.reason());
    }

    @Test
    void aCrashBeforeTheMigrateCallIsJudgedByPlacementAndRolledBack() {
        ActiveRun run = harness.open();
        harness.runThrough(run, Phase.TPCM_STATE_SENT);
        harness.journal.begin(run.id(), Phase.VM_MIGRATING, "libvirt live migration n1 -> n2");

        harness.recover(run);

        Outcomes.assertRolledBack(harness, run, 4);
        assertEquals(0, source.count("migrate-vm"), "never started");
    }

    @Test
    void aCrashAfterTheSwitchoverWasJournaledRollsForward() {
        ActiveRun run = harness.open();
        harness.runThrough(run, Phase.TPCM_STATE_SENT);
        harness.crashDuring(run, Phase.VM_MIGRATING); // switched over, VM_MIGRATING never journaled done
        assertTrue(harness.record(run).switchedOver());
        assertFalse(harness.record(run).done(Phase.VM_MIGRATING));

        MigrationRecord record = harness.recover(run);

        Outcomes.assertCommitted(harness, run);
        assertEquals(40L, record.downtimeMillis(), "the switchover's times died with the engine: QEMU's figure");
        assertEquals(0, source.count("abort") + destination.count("abort") + source.count("migrate-vm/abort"), "never rolled back");
    }

    @Test
    void aCrashAfterTheVmMigrationPhaseRollsForward() {
        ActiveRun run = harness.open();
        harness.runThrough(run, Phase.VM_MIGRATING);

        harness.recover(run);

        Outcomes.assertCommitted(harness, run);
        assertEquals(1, source.count("verify"));
    }

    @Test
    void aCrashAfterVerificationCommitsWithoutVerifyingOrResumingAgain() {
        ActiveRun run = harness.open();
        harness.runThrough(run, Phase.VERIFIED);

        harness.recover(run);

        Outcomes.assertCommitted(harness, run);
        assertEquals(1, source.count("verify"));
        assertEquals(1, destination.count("resume"));
    }

    @Test
    void aCrashDuringVerificationVerifiesAgainFromTheJournaledDigests() {
        ActiveRun run = harness.open();
        harness.runThrough(run, Phase.VM_MIGRATING);
        harness.crashDuring(run, Phase.VERIFIED); // digests journaled, guest resumed, phase not journaled done

        harness.recover(run);

        Outcomes.assertCommitted(harness, run);
        assertEquals(1, source.count("verify"), "the digests came from the journal");
        assertEquals(2, destination.count("resume"), "resumed again: harmless while the vTPCM is STAGED");
    }

    @Test
    void aMismatchFoundBeforeTheCrashIsFoundAgainAndFailsTheMigrationWithTheGuestPaused() {
        ActiveRun run = harness.open();
        harness.runThrough(run, Phase.VM_MIGRATING);
        destination.interposerDigest = StateDigest.parse("77".repeat(32));
        assertThrows(StateMismatchException.class, () -> harness.crashDuring(run, Phase.VERIFIED));
        destination.interposerDigest = FakeNode.DIGEST; // what the interposer says now does not matter: the journal has the digests

        MigrationRecord record = harness.recover(run);

        assertEquals(Phase.FAILED, record.outcome());
        assertTrue(record.reason().contains("is not the state that left n1"), record.reason());
        assertEquals(1, destination.count("verify"));
        assertEquals(0, destination.count("commit"));
        assertEquals("STAGED", destination.row(Harness.VM).orElseThrow().state());
        assertEquals("MIGRATING_OUT", source.row(Harness.VM).orElseThrow().state(), "nothing erased");
        assertEquals(DomainState.PAUSED, destination.domains.get(Harness.VM));
    }

    @Test
    void aCommitThatBeganAndFailedAtTheSourceIsDoneAgainNeverTakenAsDone() {
        ActiveRun run = harness.open();
        harness.runThrough(run, Phase.VERIFIED);
        source.failOn.put("commit", () -> source.count("commit") == 1 ? new ManagerClientException(0, "UNREACHABLE", "n1 down") : null);
        assertThrows(ManagerClientException.class, () -> harness.crashDuring(run, Phase.COMMITTED));
        assertEquals("RUNNING", destination.row(Harness.VM).orElseThrow().state(), "the destination committed before the crash");

        harness.recover(run);

        Outcomes.assertCommitted(harness, run);
        assertEquals(2, source.count("commit"));
        assertEquals(2, destination.count("commit"), "asked again; already running at epoch 4 counts as done");
    }

    @Test
    void aCommitThatBeganButReachedNoNodeIsDone() {
        ActiveRun run = harness.open();
        harness.runThrough(run, Phase.VERIFIED);
        harness.journal.begin(run.id(), Phase.COMMITTED, "commit on n2, erase on n1");

        harness.recover(run);

        Outcomes.assertCommitted(harness, run);
        assertEquals(1, destination.count("commit"));
    }

    @Test
    void aCommitDoneAtBothNodesButNotJournaledIsRepeatedHarmlessly() {
        ActiveRun run = harness.open();
        harness.runThrough(run, Phase.VERIFIED);
        harness.crashDuring(run, Phase.COMMITTED);

        harness.recover(run);

        Outcomes.assertCommitted(harness, run);
        assertEquals(2, source.count("commit"), "the second answered 404: nothing left to erase");
    }

    @Test
    void aCommitWithTheSourceStillDownIsRetriedUntilItAnswers() {
        ActiveRun run = harness.open();
        harness.runThrough(run, Phase.VERIFIED);
        harness.journal.begin(run.id(), Phase.COMMITTED, "commit on n2, erase on n1");
        source.unreachable = true;
        List<String> reasons = new ArrayList<>();
        harness.time.meanwhile = () -> {
            reasons.add(harness.record(run).reason());
            source.unreachable = harness.time.pauses.size() < 3;
        };

        MigrationRecord record = harness.recover(run);

        Outcomes.assertCommitted(harness, run);
        assertEquals(List.of(MigrationRunner.ROLL_FORWARD_RETRY, MigrationRunner.ROLL_FORWARD_RETRY, MigrationRunner.ROLL_FORWARD_RETRY),
                harness.time.pauses);
        assertEquals("rolling forward, waiting: cannot reach n1", reasons.get(0));
        assertEquals(null, record.reason(), "no reason once committed");
    }
}
