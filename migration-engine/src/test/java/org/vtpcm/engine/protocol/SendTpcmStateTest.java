package org.vtpcm.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.nodeapi.ManagerClientException;
import org.vtpcm.nodeapi.SendRequest;

/** TPCM_STATE_SENT on its own: the source freezes and seals the bundle, then pushes it to the destination in the background. */
class SendTpcmStateTest {
    @TempDir
    Path folder;
    Harness harness;
    ActiveRun run;

    @BeforeEach
    void start() {
        harness = new Harness(folder);
        run = harness.open();
        harness.runThrough(run, Phase.DEST_PREPARED);
        harness.nodes.log.clear();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void theSourceFreezesSealsAndPushesInTheBackgroundUnderTheDestinationsEphemeralKey() {
        MigrationContext before = run.context();
        PhaseStep step = harness.step(Phase.TPCM_STATE_SENT);
        assertEquals("freeze on n1, seal the bundle for n2 and push it there while the VM migrates", step.intent(before));

        Step result = step.run(run);

        assertEquals(List.of("n1 freeze", "n1 send"), harness.nodes.log);
        assertEquals(new SendRequest(Harness.VM, "n2", "https://n2:9443", before.nonceHex(), "04" + "cd".repeat(32), 1, true),
                harness.n("n1").lastSend);
        assertEquals("MIGRATING_OUT", harness.n("n1").row(Harness.VM).orElseThrow().state());
        assertEquals(before, result.context(), "the context is unchanged");
        assertEquals("bundle of 4096 bytes sealed in 2 ms; on its way to n2", result.detail());
    }

    @Test
    void aPushTheSourceCouldNotBeginIsRefused() {
        harness.n("n1").failOn.put("send", () -> new ManagerClientException(409, "ILLEGAL_TRANSITION", "not frozen"));
        assertThrows(ManagerClientException.class, () -> harness.step(Phase.TPCM_STATE_SENT).run(run));
        assertEquals("MIGRATING_IN", harness.n("n2").row(Harness.VM).orElseThrow().state());
    }

    @Test
    void aRepeatedSendCarriesNeitherTheNonceNorTheKey() {
        SendRequest again = SendTpcmState.again(run.context());
        assertEquals(new SendRequest(Harness.VM, "n2", "https://n2:9443", null, null, 1, true), again);
    }

    @Test
    void aFreezeTheSourceRefusesSendsNothing() {
        harness.n("n1").failOn.put("freeze", () -> new ManagerClientException(409, "ILLEGAL_TRANSITION", "cannot freeze"));
        assertThrows(ManagerClientException.class, () -> harness.step(Phase.TPCM_STATE_SENT).run(run));
        assertEquals(0, harness.n("n1").count("send"));
        assertEquals("MIGRATING_IN", harness.n("n2").row(Harness.VM).orElseThrow().state());
    }
}
