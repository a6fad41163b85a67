package org.vtpcm.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.vtpcm.engine.journal.MigrationRecord;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.nodeapi.AssociationView;
import org.vtpcm.nodeapi.ManagerClientException;
import org.vtpcm.nodeapi.PrepareIncomingRequest;

/** DEST_PREPARED on its own: the destination creates the incoming vTPCM at the next epoch and answers its ephemeral key. */
class PrepareDestinationTest {
    @TempDir
    Path folder;
    Harness harness;
    ActiveRun run;

    @BeforeEach
    void start() {
        harness = new Harness(folder);
        run = harness.open();
        harness.runThrough(run, Phase.DEST_ATTESTED);
        harness.nodes.log.clear();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void theDestinationPreparesTheVtpcmAtTheNextEpochBoundToTheSourcesSigningKey() {
        MigrationContext before = run.context();
        AssociationView source = harness.n("n1").row(Harness.VM).orElseThrow();
        PhaseStep step = harness.step(Phase.DEST_PREPARED);
        assertEquals("prepare incoming vTPCM " + source.vtpcmId() + " on n2 at epoch 4", step.intent(before));

        Step result = step.run(run);

        assertEquals(List.of("n1 node", "n2 prepare-incoming"), harness.nodes.log);
        assertEquals(new PrepareIncomingRequest(source.vtpcmId(), Harness.VM, "vm-a", 4L, "deny", before.nonceHex(), "n1",
                "04" + "ab".repeat(32)), harness.n("n2").lastPrepare);
        AssociationView incoming = harness.n("n2").row(Harness.VM).orElseThrow();
        assertEquals("MIGRATING_IN", incoming.state());
        assertEquals(4, incoming.epoch());
        assertEquals(run.id(), incoming.migrationId());
        assertEquals("04" + "cd".repeat(32), result.context().ephemeralPublicKey());
        assertEquals(before.withEphemeralPublicKey("04" + "cd".repeat(32)), result.context(), "nothing else changed");
        assertEquals("incoming vTPCM ready on n2", result.detail());
        assertEquals("RUNNING", harness.n("n1").row(Harness.VM).orElseThrow().state(), "the source is not touched yet");
    }

    @ParameterizedTest
    @NullAndEmptySource
    void aDestinationThatAnswersNoEphemeralKeyIsRefused(String key) {
        harness.n("n2").ephemeralKey = key;
        ProtocolRefusal refusal = assertThrows(ProtocolRefusal.class, () -> harness.step(Phase.DEST_PREPARED).run(run));
        assertEquals("destination n2 returned no ephemeral key", refusal.getMessage());
    }

    @Test
    void aDestinationThatAlreadyHoldsALiveVtpcmOfTheVmRefusesAndTheRollbackLeavesThatVtpcmAlone() {
        harness.n("n2").runVm(Harness.VM, "vm-a", 9); // a stale copy an operator must look at, with no guest
        harness.n("n2").domains.remove(Harness.VM);
        ManagerClientException refused = assertThrows(ManagerClientException.class, () -> harness.step(Phase.DEST_PREPARED).run(run));
        assertEquals(409, refused.status());

        harness.protocol.runner().rollBackNow(run, refused);

        MigrationRecord record = harness.record(run);
        assertEquals(Phase.ROLLED_BACK, record.outcome());
        assertEquals("stopped by an error: a live vTPCM of the VM is already here; the VM and its vTPCM run at n1", record.reason());
        AssociationView untouched = harness.n("n2").row(Harness.VM).orElseThrow();
        assertEquals("RUNNING", untouched.state());
        assertEquals(9, untouched.epoch());
        assertEquals("RUNNING", harness.n("n1").row(Harness.VM).orElseThrow().state());
    }
}
