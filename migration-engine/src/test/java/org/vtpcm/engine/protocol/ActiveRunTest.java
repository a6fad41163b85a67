package org.vtpcm.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.engine.journal.MigrationOptions;

/** The one mutable handle of a run: no going back before the switchover, no abort after it. */
class ActiveRunTest {
    static final HostConfig N2 = new HostConfig("n2", URI.create("https://n2:9443"), "qemu+tls://n2/system", 2, 64);
    static final SwitchoverFacts FACTS = new SwitchoverFacts(Instant.parse("2026-01-01T00:00:01Z"), null);

    @TempDir
    Path folder;

    private static MigrationContext opened(UUID id) {
        return MigrationContext.opened(id, new byte[32], Harness.VM, new MigrationOptions("explicit", 1, false, true, true, 0),
                Optional.empty(), new SourceVtpcm("n1", "vm-a", UUID.randomUUID(), 3, "deny")).withDestination(N2);
    }

    @Test
    void itMovesOnToTheContextAPhaseReturned() {
        MigrationContext opened = opened(UUID.randomUUID());
        ActiveRun run = new ActiveRun(opened);
        MigrationContext next = opened.withEphemeralPublicKey("04cd");
        run.advance(next);
        assertSame(next, run.context());
        assertEquals(opened.id(), run.id());
    }

    @Test
    void aContextOfAnotherMigrationIsRefused() {
        MigrationContext opened = opened(UUID.randomUUID());
        ActiveRun run = new ActiveRun(opened);
        assertThrows(IllegalArgumentException.class, () -> run.advance(opened(UUID.randomUUID())));
        assertSame(opened, run.context());
    }

    @Test
    void aSwitchedOverRunCannotGoBackBeforeItsSwitchover() {
        MigrationContext opened = opened(UUID.randomUUID());
        ActiveRun run = new ActiveRun(opened);
        MigrationContext switched = opened.withSwitchover(FACTS);
        run.advance(switched);

        assertThrows(IllegalStateException.class, () -> run.advance(opened));
        assertSame(switched, run.context());
        run.advance(switched.withDigests(FakeNode.DIGEST, FakeNode.DIGEST)); // forward is fine
        assertTrue(run.context().digestsKnown());
    }

    @Test
    void anAbortIsGrantedBeforeTheSwitchoverAndRefusedAfterIt() {
        MigrationContext opened = opened(UUID.randomUUID());
        ActiveRun run = new ActiveRun(opened);
        assertFalse(run.abortPending());
        assertTrue(run.requestAbort());
        assertTrue(run.abortPending());

        ActiveRun switched = new ActiveRun(opened.withSwitchover(FACTS));
        assertFalse(switched.requestAbort());
        assertFalse(switched.abortPending());
    }

    @Test
    void anAbortGrantedJustBeforeTheSwitchoverIsNoLongerPendingAfterIt() {
        MigrationContext opened = opened(UUID.randomUUID());
        ActiveRun run = new ActiveRun(opened);
        assertTrue(run.requestAbort());
        run.advance(opened.withSwitchover(FACTS));
        assertFalse(run.abortPending(), "the switchover won: the run goes on to its commit");
        assertFalse(run.requestAbort());
    }

    @Test
    void theSwitchoverIsMarkedOnceJournalFirst() {
        try (Harness harness = new Harness(folder)) {
            ActiveRun run = harness.open();
            harness.runThrough(run, org.vtpcm.engine.journal.Phase.TPCM_STATE_SENT);
            Switchovers switchovers = new Switchovers(harness.journal);

            MigrationContext first = switchovers.mark(run, FACTS, "completed");
            MigrationContext again = switchovers.mark(run, SwitchoverFacts.unknownTimes(), "found while rolling back");

            assertSame(first, again, "idempotent: the first facts stay");
            assertEquals(FACTS, run.context().switchover());
            assertTrue(harness.record(run).switchedOver());
            assertFalse(run.requestAbort());
        }
    }
}
