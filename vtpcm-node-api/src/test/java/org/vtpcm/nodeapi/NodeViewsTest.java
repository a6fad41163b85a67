package org.vtpcm.nodeapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vtpcm.protocol.state.StateDigest;

/** The small judgements the node API's records make for the engine. */
class NodeViewsTest {
    static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
    static final StateDigest DIGEST = StateDigest.parse("5a".repeat(32));

    @ParameterizedTest(name = "{0}, confirmed {1}: switched over {2}")
    @CsvSource({"RUNNING, false, false", "RUNNING, true, true", "COMPLETED, false, true", "COMPLETED, true, true",
            "FAILED, false, false", "FAILED, true, false", "UNKNOWN, false, false"})
    void anOutgoingMigrationIsSwitchedOverWhenCompletedOrConfirmedWhileRunning(VmMigrationStatus status, boolean confirmed,
            boolean switchedOver) {
        OutgoingView view = new OutgoingView(UUID.randomUUID(), UUID.randomUUID(), "vm", status, null, AT, null, null, null, null, null,
                confirmed ? AT : null);
        assertEquals(switchedOver, view.switchedOver());
    }

    @ParameterizedTest(name = "present {0}, {1}: active {2}")
    @CsvSource({"true, RUNNING, true", "true, PAUSED, true", "true, SHUT_OFF, false", "true, CRASHED, false", "true, OTHER, false",
            "false, RUNNING, false"})
    void aDomainIsActiveWhenPresentAndRunningOrPaused(boolean present, DomainState state, boolean active) {
        assertEquals(active, new DomainView(UUID.randomUUID(), present, "vm", state).active());
    }

    @Test
    void aPresentDomainWithNoStateIsNotActive() {
        assertFalse(new DomainView(UUID.randomUUID(), true, "vm", null).active());
    }

    @Test
    void evidenceNamesADigestOnlyForTheWholeStateSeenInSync() {
        StateEvidence whole = new StateEvidence(DIGEST, StateEvidence.WHOLE_STATE, DIGEST, StateEvidence.WHOLE_STATE + ",SAVESTATE", true);
        assertEquals(Optional.of(DIGEST), whole.left());
        assertEquals(Optional.of(DIGEST), whole.arrived(), "more blob types after the whole state are fine");
        StateEvidence outOfSync = new StateEvidence(DIGEST, StateEvidence.WHOLE_STATE, DIGEST, StateEvidence.WHOLE_STATE, false);
        assertEquals(Optional.empty(), outOfSync.left(), "out of sync: no claim");
        assertEquals(Optional.empty(), new StateEvidence(DIGEST, "PERMANENT", DIGEST, "VOLATILE,PERMANENT", true).left(), "only part");
        assertEquals(Optional.empty(), new StateEvidence(DIGEST, "PERMANENT", DIGEST, "VOLATILE,PERMANENT", true).arrived(),
                "the wrong order");
        assertEquals(Optional.empty(), new StateEvidence(StateDigest.NONE, StateEvidence.WHOLE_STATE, null, null, true).left(),
                "no digest");
    }

    @Test
    void noEvidenceIsEmptyNotNull() {
        StateEvidence none = StateEvidence.none();
        assertEquals(StateDigest.NONE, none.fetchedDigest());
        assertEquals("", none.loadedTypes());
        assertTrue(none.left().isEmpty() && none.arrived().isEmpty());
        assertEquals(StateDigest.NONE, new StateEvidence(null, null, null, null, true).loadedDigest());
    }

    @Test
    void aRowNamedByAnotherHostNameKeepsEverythingElse() {
        AssociationView row = new AssociationView(UUID.randomUUID(), UUID.randomUUID(), "vm", AssociationView.STAGED, 4, "node-2.lab",
                "deny", AT, AT, null, UUID.randomUUID());
        AssociationView renamed = row.onHost("n2");
        assertEquals("n2", renamed.host());
        assertEquals(row, renamed.onHost("node-2.lab"));
        assertFalse(renamed.running());
    }
}
