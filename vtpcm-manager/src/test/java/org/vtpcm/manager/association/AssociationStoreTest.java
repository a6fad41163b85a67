package org.vtpcm.manager.association;

import org.vtpcm.manager.store.NodeSchema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.protocol.store.SqliteDatabase;

class AssociationStoreTest {
    @TempDir
    Path folder;
    private SqliteDatabase database;
    private AssociationStore store;

    @BeforeEach
    void open() {
        database = NodeSchema.open(folder.resolve("node.db"));
        store = new AssociationStore(database, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aVtpcmLivesThroughItsLifeCycle() {
        UUID id = UUID.randomUUID();
        UUID vm = UUID.randomUUID();
        store.create(id, vm, "vm1", VtpcmState.CREATED, 0, "n1", ControlPolicy.DENY);
        store.transition(id, VtpcmState.CREATED, VtpcmState.RUNNING, "started");
        store.transition(id, VtpcmState.RUNNING, VtpcmState.FROZEN, "migration");
        store.transition(id, VtpcmState.FROZEN, VtpcmState.MIGRATING_OUT, "exported");
        Association gone = store.transition(id, VtpcmState.MIGRATING_OUT, VtpcmState.DESTROYED, "committed");
        assertEquals(VtpcmState.DESTROYED, gone.state());
        assertTrue(store.findLiveByVm(vm).isEmpty());
        assertEquals(5, store.history(id).size());
        assertEquals(1, store.list(true).size());
        assertEquals(0, store.list(false).size());
    }

    @Test
    void illegalTransitionsAreRefusedAndChangeNothing() {
        UUID id = UUID.randomUUID();
        store.create(id, UUID.randomUUID(), "vm1", VtpcmState.CREATED, 0, "n1", ControlPolicy.DENY);
        IllegalTransitionException e = assertThrows(IllegalTransitionException.class,
                () -> store.transition(id, VtpcmState.CREATED, VtpcmState.STAGED, "nonsense"));
        assertTrue(e.getMessage().contains("CREATED -> STAGED is not allowed"), e.getMessage());
        assertThrows(IllegalTransitionException.class, () -> store.transition(id, VtpcmState.RUNNING, VtpcmState.FROZEN, "stale"));
        assertEquals(VtpcmState.CREATED, store.find(id).orElseThrow().state());
        assertEquals(1, store.history(id).size());
    }

    @Test
    void aVmHasAtMostOneLiveVtpcm() {
        UUID vm = UUID.randomUUID();
        store.create(UUID.randomUUID(), vm, "vm1", VtpcmState.CREATED, 0, "n1", ControlPolicy.DENY);
        assertThrows(IllegalTransitionException.class,
                () -> store.create(UUID.randomUUID(), vm, "vm1", VtpcmState.MIGRATING_IN, 1, "n1", ControlPolicy.DENY));
    }

    @Test
    void aVtpcmMayReturnToANodeItLeftOnlyAtANewerEpoch() {
        UUID id = UUID.randomUUID();
        UUID vm = UUID.randomUUID();
        store.create(id, vm, "vm1", VtpcmState.MIGRATING_IN, 1, "n1", ControlPolicy.DENY);
        store.transition(id, VtpcmState.MIGRATING_IN, VtpcmState.STAGED, "staged");
        store.transition(id, VtpcmState.STAGED, VtpcmState.RUNNING, "committed");
        store.transition(id, VtpcmState.RUNNING, VtpcmState.FROZEN, "out");
        store.transition(id, VtpcmState.FROZEN, VtpcmState.MIGRATING_OUT, 2, "exported");
        store.transition(id, VtpcmState.MIGRATING_OUT, VtpcmState.DESTROYED, "left");
        assertThrows(IllegalTransitionException.class, () -> store.create(id, vm, "vm1", VtpcmState.MIGRATING_IN, 2, "n1",
                ControlPolicy.DENY), "an old epoch cannot come back");
        Association back = store.create(id, vm, "vm1", VtpcmState.MIGRATING_IN, 3, "n1", ControlPolicy.DENY);
        assertEquals(VtpcmState.MIGRATING_IN, store.find(id).orElseThrow().state());
        assertEquals(3, store.find(id).orElseThrow().epoch());
        assertEquals(VtpcmState.MIGRATING_IN, back.state());
        assertTrue(store.history(id).get(store.history(id).size() - 1).contains("returned to this node at epoch 3"));
    }

    @Test
    void anIncomingVtpcmAbortedBeforeItRanMayBePreparedAgainAtTheSameEpochButNoOlder() {
        UUID id = UUID.randomUUID();
        UUID vm = UUID.randomUUID();
        store.create(id, vm, "vm1", VtpcmState.MIGRATING_IN, 4, "n2", ControlPolicy.DENY);
        store.transition(id, VtpcmState.MIGRATING_IN, VtpcmState.STAGED, "staged");
        store.transition(id, VtpcmState.STAGED, VtpcmState.DESTROYED, "migration aborted");
        // the retried migration of the same vTPCM (its source still at epoch 3) prepares epoch 4 again
        assertEquals(VtpcmState.MIGRATING_IN, store.create(id, vm, "vm1", VtpcmState.MIGRATING_IN, 4, "n2", ControlPolicy.DENY).state());
        store.transition(id, VtpcmState.MIGRATING_IN, VtpcmState.DESTROYED, "aborted again");
        assertThrows(IllegalTransitionException.class, () -> store.create(id, vm, "vm1", VtpcmState.MIGRATING_IN, 3, "n2",
                ControlPolicy.DENY), "never an older epoch");
    }

    @Test
    void aVtpcmThatRanHereNeverComesBackAtTheEpochItLeftWith() {
        Association left = new Association(UUID.randomUUID(), UUID.randomUUID(), "vm1", VtpcmState.DESTROYED, 2, "n1", ControlPolicy.DENY,
                java.time.Instant.EPOCH, java.time.Instant.EPOCH, Optional.empty(), Optional.empty());
        assertFalse(AssociationStore.mayRevive(left, Optional.of(VtpcmState.MIGRATING_OUT), 2));
        assertFalse(AssociationStore.mayRevive(left, Optional.of(VtpcmState.RUNNING), 2));
        assertFalse(AssociationStore.mayRevive(left, Optional.empty(), 2));
        assertTrue(AssociationStore.mayRevive(left, Optional.of(VtpcmState.MIGRATING_OUT), 3));
        assertTrue(AssociationStore.mayRevive(left, Optional.of(VtpcmState.STAGED), 2));
        assertFalse(AssociationStore.mayRevive(left, Optional.of(VtpcmState.STAGED), 1));
    }

    @Test
    void newRowsStartOnlyAsCreatedOrIncoming() {
        assertThrows(IllegalTransitionException.class,
                () -> store.create(UUID.randomUUID(), UUID.randomUUID(), "vm", VtpcmState.RUNNING, 0, "n1", ControlPolicy.DENY));
    }

    @Test
    void theEpochNeverGoesBack() {
        UUID id = UUID.randomUUID();
        store.create(id, UUID.randomUUID(), "vm1", VtpcmState.MIGRATING_IN, 5, "n1", ControlPolicy.AUDIT);
        assertThrows(IllegalTransitionException.class, () -> store.transition(id, VtpcmState.MIGRATING_IN, VtpcmState.STAGED, 4, "old"));
        assertEquals(6, store.transition(id, VtpcmState.MIGRATING_IN, VtpcmState.STAGED, 6, "staged").epoch());
    }

    @Test
    void unknownVtpcmIsReportedAsSuch() {
        assertThrows(UnknownVtpcmException.class,
                () -> store.transition(UUID.randomUUID(), VtpcmState.CREATED, VtpcmState.RUNNING, "x"));
        assertThrows(UnknownVtpcmException.class, () -> store.flag(UUID.randomUUID(), Optional.of("x")));
    }

    @Test
    void rowsSurviveReopening() {
        UUID id = UUID.randomUUID();
        store.create(id, UUID.randomUUID(), "vm1", VtpcmState.CREATED, 3, "n1", ControlPolicy.AUDIT);
        store.flag(id, Optional.of("look at me"));
        database.close();
        database = NodeSchema.open(folder.resolve("node.db"));
        store = new AssociationStore(database, Clock.systemUTC());
        Association row = store.find(id).orElseThrow();
        assertEquals(3, row.epoch());
        assertEquals(ControlPolicy.AUDIT, row.policy());
        assertEquals(Optional.of("look at me"), row.attention());
    }

    @Test
    void everyStateHasItsMovesWrittenDown() {
        for (VtpcmState state : VtpcmState.values()) {
            for (VtpcmState next : state.next()) {
                assertTrue(state != next, state + " must not move to itself");
            }
        }
        assertEquals(List.of(), List.copyOf(VtpcmState.DESTROYED.next()));
    }
}
