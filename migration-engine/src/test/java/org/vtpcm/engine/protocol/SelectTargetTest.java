package org.vtpcm.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.engine.journal.MigrationRecord;
import org.vtpcm.engine.journal.RejectedHost;
import org.vtpcm.engine.target.NoTargetException;
import org.vtpcm.engine.target.TargetSelector;

/** TARGET_SELECTED on its own: the strategy's answer, journaled, becomes the context's destination. */
class SelectTargetTest {
    @TempDir
    Path folder;
    Harness harness;
    final List<String> asked = new ArrayList<>();

    @BeforeEach
    void start() {
        harness = new Harness(folder);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void theStrategysChoiceBecomesTheDestinationAndItsRejectionsAreJournaled() {
        ActiveRun run = harness.open(Optional.empty(), true);
        SelectTarget step = new SelectTarget((source, requested, strategy) -> {
            asked.add(source + " " + requested + " " + strategy);
            return new TargetSelector.Selection(harness.nodes.host("n3").orElseThrow(), List.of(new RejectedHost("n2", "no capacity")));
        }, harness.journal);
        MigrationContext before = run.context();
        assertEquals("strategy explicit", step.intent(before));

        Step result = step.run(run);

        assertEquals(List.of("n1 Optional.empty explicit"), asked);
        assertEquals("n3", result.context().destinationName());
        assertEquals("qemu+tls://n3/system", result.context().destination().libvirt());
        assertEquals("destination n3", result.detail());
        assertEquals(before.withDestination(harness.nodes.host("n3").orElseThrow()), result.context(), "nothing else changed");
        MigrationRecord record = harness.record(run);
        assertEquals("n3", record.destination());
        assertEquals(List.of(new RejectedHost("n2", "no capacity")), record.rejectedHosts());
        assertTrue(harness.nodes.log.isEmpty(), "selection asks no node here (the strategy does)");
    }

    @Test
    void theIntentNamesTheRequestedHost() {
        ActiveRun run = harness.open();
        assertEquals("strategy explicit, requested n2", harness.selectTarget.intent(run.context()));
        assertEquals("n2", harness.selectTarget.run(run).context().destinationName());
    }

    @Test
    void noAcceptableHostIsARefusalWithEveryHostsReasonJournaled() {
        ActiveRun run = harness.open(Optional.empty(), true);
        List<RejectedHost> rejected = List.of(new RejectedHost("n2", "quote failed"), new RejectedHost("n3", "no capacity"));
        SelectTarget step = new SelectTarget((source, requested, strategy) -> {
            throw new NoTargetException("no host may receive the VM", rejected);
        }, harness.journal);

        ProtocolRefusal refusal = assertThrows(ProtocolRefusal.class, () -> step.run(run));

        assertEquals("no host may receive the VM", refusal.getMessage());
        MigrationRecord record = harness.record(run);
        assertEquals(rejected, record.rejectedHosts());
        assertNull(record.destination());
        assertNull(run.context().destination());
    }
}
