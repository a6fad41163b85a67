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

/** TPCM_STATE_SENT on its own: the source freezes, then sends the bundle straight to the destination, which stages it. */
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
    void theSourceFreezesThenSendsToTheDestinationsManagerUnderItsEphemeralKey() {
        MigrationContext before = run.context();
        PhaseStep step = harness.step(Phase.TPCM_STATE_SENT);
        assertEquals("freeze on n1, send the bundle to n2", step.intent(before));

        Step result = step.run(run);

        assertEquals(List.of("n1 freeze", "n1 send"), harness.nodes.log);
        assertEquals(new SendRequest(Harness.VM, "n2", "https://n2:9443", before.nonceHex(), "04" + "cd".repeat(32), 1),
                harness.n("n1").lastSend);
        assertEquals("MIGRATING_OUT", harness.n("n1").row(Harness.VM).orElseThrow().state());
        assertEquals("STAGED", harness.n("n2").row(Harness.VM).orElseThrow().state());
        assertEquals(4, harness.n("n2").row(Harness.VM).orElseThrow().epoch());
        assertEquals(before, result.context(), "the context is unchanged");
        assertEquals("bundle of 4096 bytes staged on n2 in 1 chunk(s), 0 retries", result.detail());
    }

    @Test
    void aBundleTheDestinationDidNotStageIsRefused() {
        harness.n("n2").stageAs = "MIGRATING_IN";
        ProtocolRefusal refusal = assertThrows(ProtocolRefusal.class, () -> harness.step(Phase.TPCM_STATE_SENT).run(run));
        assertEquals("the destination did not stage the bundle (state MIGRATING_IN)", refusal.getMessage());
    }

    @Test
    void anAnswerWithoutTheStagedRowIsRefused() {
        harness.n("n2").sendOmitsStagedRow = true;
        ProtocolRefusal refusal = assertThrows(ProtocolRefusal.class, () -> harness.step(Phase.TPCM_STATE_SENT).run(run));
        assertEquals("the destination did not stage the bundle (state null)", refusal.getMessage());
    }

    @Test
    void aFreezeTheSourceRefusesSendsNothing() {
        harness.n("n1").failOn.put("freeze", () -> new ManagerClientException(409, "ILLEGAL_TRANSITION", "cannot freeze"));
        assertThrows(ManagerClientException.class, () -> harness.step(Phase.TPCM_STATE_SENT).run(run));
        assertEquals(0, harness.n("n1").count("send"));
        assertEquals("MIGRATING_IN", harness.n("n2").row(Harness.VM).orElseThrow().state());
    }
}
