package org.vtpcm.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.engine.attestation.AttestationState;
import org.vtpcm.engine.journal.MigrationRecord;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.nodeapi.DomainState;
import org.vtpcm.nodeapi.ManagerClientException;
import org.vtpcm.nodeapi.VmMigrationStatus;
import org.vtpcm.protocol.state.StateDigest;

/** The runner over fake nodes: the whole protocol, each outcome, in milliseconds. */
class MigrationRunnerTest {
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

    @Test
    void aMigrationCommitsWithItsReceiptTheNewEpochAndTheStateErasedAtTheSource() {
        ActiveRun run = harness.open();
        MigrationRecord record = harness.migrate(run);
        assertEquals(Phase.COMMITTED, record.outcome(), record.reason());
        assertEquals(List.of(Phase.REQUESTED, Phase.TARGET_SELECTED, Phase.DEST_ATTESTED, Phase.DEST_PREPARED, Phase.TPCM_STATE_SENT,
                Phase.VM_MIGRATING, Phase.VERIFIED, Phase.COMMITTED), harness.phases(run));
        assertEquals("RUNNING", harness.n("n2").row(Harness.VM).orElseThrow().state());
        assertEquals(4, harness.n("n2").row(Harness.VM).orElseThrow().epoch(), "the epoch advances exactly once");
        assertEquals("DESTROYED", harness.n("n1").row(Harness.VM).orElseThrow().state());
        assertEquals(FakeNode.DIGEST, record.digestLeft());
        assertEquals(FakeNode.DIGEST, record.digestArrived());
        assertTrue(record.switchedOver());
        var receipt = harness.receipts.find(run.id()).orElseThrow();
        assertTrue(harness.receipts.verify(receipt), "the receipt's signature verifies");
        assertEquals(FakeNode.DIGEST, receipt.receipt().digestLeft());
        assertEquals(4, receipt.receipt().epoch());
    }

    @Test
    void anUntrustedDestinationGetsNoStateAndTheMigrationRollsBack() {
        harness.verdicts.put("n2", AttestationState.UNTRUSTED);
        ActiveRun run = harness.open();
        MigrationRecord record = harness.migrate(run);
        assertEquals(Phase.ROLLED_BACK, record.outcome());
        assertTrue(record.reason().contains("failed attestation"), record.reason());
        assertEquals(0, harness.n("n2").count("prepare-incoming"), "no preparation on an unattested host");
        assertEquals(0, harness.n("n1").count("freeze") + harness.n("n1").count("send") + harness.n("n1").count("migrate-vm"),
                "neither state nor guest RAM left the source");
        assertEquals("RUNNING", harness.n("n1").row(Harness.VM).orElseThrow().state());
    }

    @Test
    void aFailedVmMigrationRollsBackAndTheVtpcmRunsAtTheSourceAgain() {
        harness.n("n1").vmMigrationScript.add(VmMigrationStatus.FAILED);
        ActiveRun run = harness.open();
        MigrationRecord record = harness.migrate(run);
        assertEquals(Phase.ROLLED_BACK, record.outcome());
        assertTrue(record.reason().contains("job failed"), record.reason());
        assertFalse(record.switchedOver());
        assertEquals("RUNNING", harness.n("n1").row(Harness.VM).orElseThrow().state());
        assertEquals(4, harness.n("n1").row(Harness.VM).orElseThrow().epoch(), "the aborted attempt consumed an epoch");
        assertEquals("DESTROYED", harness.n("n2").row(Harness.VM).orElseThrow().state(), "the staged copy is destroyed");
    }

    @Test
    void stateThatArrivedOtherThanItLeftFailsTheMigrationAndKeepsTheGuestPaused() {
        harness.n("n2").interposerDigest = StateDigest.parse("77".repeat(32));
        ActiveRun run = harness.open();
        MigrationRecord record = harness.migrate(run);
        assertEquals(Phase.FAILED, record.outcome());
        assertTrue(record.reason().contains("is not the state that left"), record.reason());
        assertEquals(0, harness.n("n2").count("resume"), "verify-before-resume: the guest is never resumed");
        assertEquals(0, harness.n("n2").count("commit"));
        assertEquals(DomainState.PAUSED, harness.n("n2").domains.get(Harness.VM));
        assertTrue(harness.receipts.find(run.id()).isEmpty(), "no receipt for a failed migration");
    }

    @Test
    void libvirtsConfirmPhaseIsTheSwitchoverAndTheCommitDoesNotWaitForTheSourceToFinish() {
        FakeNode source = harness.n("n1");
        source.confirmed = true;
        source.vmMigrationScript.add(VmMigrationStatus.RUNNING);
        source.vmMigrationScript.add(VmMigrationStatus.RUNNING);
        source.vmMigrationScript.add(VmMigrationStatus.RUNNING);
        source.vmMigrationScript.add(VmMigrationStatus.COMPLETED);
        ActiveRun run = harness.open();
        MigrationRecord record = harness.migrate(run);
        assertEquals(Phase.COMMITTED, record.outcome(), record.reason());
        assertEquals(1, source.count("vm-migration"), "one confirmed poll; the commit does not wait for the job's end");
        assertTrue(harness.journal.history(run.id()).stream().anyMatch(line -> line.contains("switchover confirmed")));
    }

    @Test
    void anOperatorsAbortBeforeTheSwitchoverRollsBack() {
        ActiveRun run = harness.open();
        assertTrue(run.requestAbort());
        MigrationRecord record = harness.migrate(run);
        assertEquals(Phase.ROLLED_BACK, record.outcome());
        assertEquals("aborted by the operator; the VM and its vTPCM run at n1", record.reason());
    }

    @Test
    void anAbortDuringTheVmMigrationCancelsTheLibvirtJob() {
        FakeNode source = harness.n("n1");
        source.vmMigrationScript.add(VmMigrationStatus.RUNNING);
        source.vmMigrationScript.add(VmMigrationStatus.RUNNING);
        ActiveRun run = harness.open();
        harness.time.meanwhile = run::requestAbort;
        MigrationRecord record = harness.migrate(run);
        assertEquals(Phase.ROLLED_BACK, record.outcome());
        assertEquals(1, source.count("migrate-vm/abort"));
        assertTrue(record.reason().startsWith("aborted by the operator"), record.reason());
    }

    @Test
    void noAbortIsGrantedOnceSwitchedOver() {
        ActiveRun run = harness.open();
        harness.migrate(run);
        assertFalse(run.requestAbort());
    }

    @Test
    void aVmMigrationPastItsTimeoutIsCancelledAndRolledBack() {
        FakeNode source = harness.n("n1");
        source.vmMigrationScript.add(VmMigrationStatus.RUNNING); // forever, until the abort
        ActiveRun run = harness.open();
        MigrationRecord record = harness.migrate(run);
        assertEquals(Phase.ROLLED_BACK, record.outcome());
        assertTrue(record.reason().contains("took longer than 300 s"), record.reason());
        assertTrue(harness.time.paused().compareTo(Duration.ofSeconds(300)) > 0);
    }

    @Test
    void aDestinationManagerLostBeforeTheSwitchoverCancelsTheVmMigration() {
        FakeNode source = harness.n("n1");
        source.vmMigrationScript.add(VmMigrationStatus.RUNNING);
        ActiveRun run = harness.open();
        harness.time.meanwhile = () -> harness.n("n2").unreachable = source.count("vm-migration") > 3;
        MigrationRecord record = harness.migrate(run);
        assertEquals(Phase.ROLLED_BACK, record.outcome());
        assertTrue(record.reason().contains("became unreachable before the switchover"), record.reason());
        assertTrue(record.cleanupPending(), "the unreachable destination is cleaned up later");
        assertEquals("RUNNING", source.row(Harness.VM).orElseThrow().state());
    }

    @Test
    void pastTheSwitchoverAnUnreachableDestinationIsRetriedUntilTheCommit() {
        FakeNode destination = harness.n("n2");
        int[] failures = {2};
        destination.failOn.put("commit", () -> failures[0]-- > 0 ? new ManagerClientException(0, "UNREACHABLE", "n2 down") : null);
        ActiveRun run = harness.open();
        MigrationRecord record = harness.migrate(run);
        assertEquals(Phase.COMMITTED, record.outcome(), record.reason());
        assertTrue(harness.time.pauses.stream().filter(MigrationRunner.ROLL_FORWARD_RETRY::equals).count() >= 2);
    }

    @Test
    void resumeFirstReadsTheArrivalWithoutResuming() {
        ActiveRun run = harness.open(Optional.of("n2"), false);
        MigrationRecord record = harness.migrate(run);
        assertEquals(Phase.COMMITTED, record.outcome(), record.reason());
        assertEquals(0, harness.n("n2").count("resume"));
        assertEquals(1, harness.n("n2").count("arrival"));
    }
}
