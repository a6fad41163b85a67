package org.vtpcm.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.nodeapi.AssociationView;
import org.vtpcm.nodeapi.ManagerClientException;
import org.vtpcm.nodeapi.VmMigrationStatus;

/** COMMITTED on its own: the destination activates the staged vTPCM, then (once libvirt's job ended there) the source erases its own. */
class CommitMigrationTest {

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

    private ActiveRun verified() {
        ActiveRun run = harness.open();
        harness.runThrough(run, Phase.VERIFIED);
        harness.nodes.log.clear();
        return run;
    }

    private static ManagerClientException status(int status) {
        return new ManagerClientException(status, status == 0 ? "UNREACHABLE" : "ERROR", "answered " + status);
    }

    @Test
    void theDestinationCommitsFirstThenTheSourceErases() {
        ActiveRun run = verified();
        UUID vtpcm = source.row(Harness.VM).orElseThrow().vtpcmId();
        assertEquals("commit on n2, erase on n1", harness.commit().intent(run.context()));

        Step result = harness.commit().run(run);

        assertEquals(List.of("n2 commit", "n1 commit"), harness.nodes.log);
        assertEquals("RUNNING", destination.row(Harness.VM).orElseThrow().state());
        assertEquals(4, destination.row(Harness.VM).orElseThrow().epoch());
        assertEquals("DESTROYED", source.row(Harness.VM).orElseThrow().state());
        assertEquals(run.context(), result.context());
        assertEquals("vTPCM " + vtpcm + " runs on n2 at epoch 4; erased on n1", result.detail());
    }

    @Test
    void aDestinationCommitWhoseAnswerWasLostButRunsAtTheNewEpochCountsAsDone() {
        ActiveRun run = verified();
        destination.loseAnswer.add("commit");

        harness.commit().run(run);

        assertEquals(List.of("n2 commit", "n2 vtpcm", "n1 commit"), harness.nodes.log);
        assertEquals("DESTROYED", source.row(Harness.VM).orElseThrow().state());
    }

    @Test
    void aDestinationCommitThatNeverTookEffectIsNotDoneAndTheSourceKeepsItsState() {
        ActiveRun run = verified();
        destination.failOn.put("commit", () -> status(0));

        ManagerClientException error = assertThrows(ManagerClientException.class, () -> harness.commit().run(run));

        assertEquals(0, error.status());
        assertEquals("STAGED", destination.row(Harness.VM).orElseThrow().state());
        assertEquals("MIGRATING_OUT", source.row(Harness.VM).orElseThrow().state(),
                "nothing erased while the destination is not committed");
        assertEquals(0, source.count("commit"));
    }

    @Test
    void aDestinationRunningAtAnotherEpochIsNotTakenAsCommitted() {
        ActiveRun run = verified();
        destination.force(Harness.VM, "RUNNING", 5, null);

        ManagerClientException error = assertThrows(ManagerClientException.class, () -> harness.commit().run(run));

        assertEquals(409, error.status());
        assertEquals("MIGRATING_OUT", source.row(Harness.VM).orElseThrow().state());
    }

    @Test
    void aSourceCommitAnswering404CountsAsDone() {
        ActiveRun run = verified();
        source.loseAnswer.add("commit");
        assertThrows(ManagerClientException.class, () -> harness.commit().run(run), "the source's answer was lost");
        assertEquals("DESTROYED", source.row(Harness.VM).orElseThrow().state());

        harness.commit().run(run); // rolled forward: the destination already runs it, the source has nothing left (404)

        assertEquals(2, source.count("commit"));
        assertEquals("RUNNING", destination.row(Harness.VM).orElseThrow().state());
    }

    @Test
    void aSourceCommitRefusedOtherwiseIsAnError() {
        ActiveRun run = verified();
        source.failOn.put("commit", () -> status(409));
        assertEquals(409, assertThrows(ManagerClientException.class, () -> harness.commit().run(run)).status());
    }

    @Test
    void theSourceIsErasedAtTheConfirmedSwitchoverWithoutWaitingForItsLibvirtJobToEnd() {
        ActiveRun run = harness.open();
        source.confirmed = true; // the switchover by confirmation, 1-2 s before the job returns
        source.vmMigrationScript.add(VmMigrationStatus.RUNNING);
        harness.runThrough(run, Phase.VERIFIED);
        harness.nodes.log.clear();
        harness.time.pauses.clear();

        harness.commit().run(run);

        assertEquals(List.of("n2 commit", "n1 commit"), harness.nodes.log);
        assertTrue(harness.time.pauses.isEmpty(), "no wait: libvirt undefines the source's domain itself when it is done");
        assertEquals("DESTROYED", source.row(Harness.VM).orElseThrow().state());
    }

    @Test
    void aSourceThatForgotTheJobDoesNotHoldTheCommit() {
        ActiveRun run = verified();
        source.remembersVmMigration = false;
        harness.commit().run(run);
        assertEquals("DESTROYED", source.row(Harness.VM).orElseThrow().state());
        assertTrue(harness.time.pauses.isEmpty());
    }

    @ParameterizedTest(name = "{0} at epoch {1}: {2}")
    @CsvSource({"RUNNING, 4, true", "RUNNING, 5, false", "RUNNING, 3, false", "STAGED, 4, false", "DESTROYED, 4, false"})
    void alreadyCommittedMeansRunningAtTheMigrationsEpoch(String state, long epoch, boolean committed) {
        AssociationView row = new AssociationView(UUID.randomUUID(), Harness.VM, "vm-a", state, epoch, "n2", "deny", Instant.EPOCH,
                Instant.EPOCH, null, null);
        assertEquals(committed, CommitMigration.alreadyCommitted(row, 4));
        assertFalse(CommitMigration.alreadyCommitted(row, 6));
    }
}
