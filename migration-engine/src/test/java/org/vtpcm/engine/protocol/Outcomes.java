package org.vtpcm.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import org.vtpcm.engine.journal.MigrationRecord;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.nodeapi.AssociationView;
import org.vtpcm.nodeapi.DomainState;

/** How a migration of the {@link Harness}'s VM (n1, epoch 3, to n2) ended, as the journal says it and as the fake nodes hold it. */
final class Outcomes {
    private Outcomes() {
    }

    /** COMMITTED: the vTPCM runs at n2 at epoch 4 (advanced exactly once) and is erased at n1; one guest, at n2; a signed receipt. */
    static void assertCommitted(Harness harness, ActiveRun run) {
        MigrationRecord record = harness.record(run);
        assertEquals(Phase.COMMITTED, record.outcome(), record.reason());
        assertTrue(record.switchedOver());
        AssociationView destination = harness.n("n2").row(Harness.VM).orElseThrow();
        assertEquals("RUNNING", destination.state());
        assertEquals(4, destination.epoch(), "the epoch advanced exactly once");
        assertNull(destination.migrationId(), "in no migration any more");
        assertEquals(4L, record.epoch(), "the journal's epoch is the destination's");
        assertEquals(1, harness.n("n2").count("prepare-incoming"), "prepared once");
        assertEquals("DESTROYED", harness.n("n1").row(Harness.VM).orElseThrow().state());
        assertEquals(Map.of("n2", DomainState.RUNNING), activeDomains(harness), "one guest, running at the destination");
        var receipt = harness.receipts.find(run.id()).orElseThrow(() -> new AssertionError("no receipt"));
        assertTrue(harness.receipts.verify(receipt));
        assertEquals(4, receipt.receipt().epoch());
        assertEquals("n2", receipt.receipt().destination());
    }

    /**
     * The source's epoch after a rollback from {@code phase} of a migration that began at epoch 3: the
     * manager's abort consumes the attempt's epoch once the source was frozen (TPCM_STATE_SENT on).
     */
    static long sourceEpochAfterRollingBackFrom(Phase phase) {
        return phase.compareTo(Phase.TPCM_STATE_SENT) >= 0 ? 4 : 3;
    }

    /**
     * ROLLED_BACK: one guest, running at n1, its vTPCM RUNNING there in no migration at {@code sourceEpoch}; nothing live
     * at n2 (destroyed or never created); the reason says where the VM runs; no receipt.
     */
    static void assertRolledBack(Harness harness, ActiveRun run, long sourceEpoch) {
        MigrationRecord record = harness.record(run);
        assertEquals(Phase.ROLLED_BACK, record.outcome(), record.reason());
        assertFalse(record.switchedOver());
        assertTrue(record.reason().contains("the VM and its vTPCM run at n1"), record.reason());
        AssociationView source = harness.n("n1").row(Harness.VM).orElseThrow();
        assertEquals("RUNNING", source.state());
        assertEquals(sourceEpoch, source.epoch());
        assertNull(source.migrationId());
        harness.n("n2").row(Harness.VM).ifPresent(row -> assertEquals("DESTROYED", row.state(), "nothing live at the destination"));
        assertEquals(Map.of("n1", DomainState.RUNNING), activeDomains(harness), "one guest, running at the source");
        assertTrue(harness.receipts.find(run.id()).isEmpty(), "no receipt");
    }

    /** Where the VM's domain is active (running or paused), by host. */
    static Map<String, DomainState> activeDomains(Harness harness) {
        Map<String, DomainState> active = new TreeMap<>();
        for (String host : new String[] {"n1", "n2", "n3"}) {
            DomainState state = harness.n(host).domains.get(Harness.VM);
            if (state != null && state.isActive()) {
                active.put(host, state);
            }
        }
        return active;
    }
}
