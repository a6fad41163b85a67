package org.vtpcm.engine.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.protocol.state.StateDigest;
import org.vtpcm.protocol.store.SqliteDatabase;
import org.vtpcm.protocol.store.StoreException;

class MigrationJournalTest {
    private static final MigrationOptions OPTIONS = new MigrationOptions("least-loaded", 1, false, true, true, 0);

    @TempDir
    Path folder;
    private SqliteDatabase database;
    private MigrationJournal journal;

    @BeforeEach
    void open() {
        database = SqliteDatabase.open(folder.resolve("engine.db"), EngineSchema.VERSION, EngineSchema.DDL);
        journal = new MigrationJournal(database, new ObjectMapper().registerModule(new JavaTimeModule()), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void phasesAreRecordedBeforeAndAfterTheirSideEffectWithTimings() {
        UUID id = UUID.randomUUID();
        journal.create(id, "00".repeat(32), UUID.randomUUID(), OPTIONS);
        journal.done(id, Phase.REQUESTED, "found");
        journal.begin(id, Phase.TARGET_SELECTED, "strategy least-loaded");
        assertEquals(Phase.TARGET_SELECTED, journal.find(id).orElseThrow().phase());
        assertNull(journal.find(id).orElseThrow().phases().get(1).millis(), "a phase that has begun but not ended has no duration");
        journal.done(id, Phase.TARGET_SELECTED, "n2");
        journal.rejected(id, List.of(new RejectedHost("n3", "quote failed: PCR 12")));
        journal.destination(id, "n2");
        journal.switchedOver(id);
        MigrationRecord row = journal.find(id).orElseThrow();
        assertEquals("n2", row.destination());
        assertTrue(row.switchedOver());
        assertEquals("quote failed: PCR 12", row.rejectedHosts().get(0).reason());
        assertTrue(row.phases().get(1).millis() >= 0);
        journal.end(id, Phase.COMMITTED, null);
        MigrationRecord ended = journal.find(id).orElseThrow();
        assertEquals(Phase.COMMITTED, ended.outcome());
        assertFalse(ended.isActive());
        assertTrue(ended.totalMillis() >= 0);
        assertEquals(5, journal.history(id).size(), "begin and done of two phases, and the end");
        assertThrows(IllegalStateException.class, () -> journal.end(id, Phase.FAILED, "again"));
    }

    @Test
    void aVmHasAtMostOneUnfinishedMigration() {
        UUID vm = UUID.randomUUID();
        UUID first = UUID.randomUUID();
        journal.create(first, "01".repeat(32), vm, OPTIONS);
        VmAlreadyMigratingException e = assertThrows(VmAlreadyMigratingException.class,
                () -> journal.create(UUID.randomUUID(), "02".repeat(32), vm, OPTIONS));
        assertTrue(e.getMessage().contains(first.toString()), e.getMessage());
        journal.end(first, Phase.ROLLED_BACK, "test");
        journal.create(UUID.randomUUID(), "03".repeat(32), vm, OPTIONS);
        assertEquals(1, journal.active().size());
    }

    @Test
    void theHistoryIsAppendOnly() {
        UUID id = UUID.randomUUID();
        journal.create(id, "04".repeat(32), UUID.randomUUID(), OPTIONS);
        assertThrows(StoreException.class, () -> database.inTransaction(connection -> {
            try (Statement statement = connection.createStatement()) {
                return statement.executeUpdate("DELETE FROM migration_transition");
            }
        }));
        assertThrows(StoreException.class, () -> database.inTransaction(connection -> {
            try (Statement statement = connection.createStatement()) {
                return statement.executeUpdate("UPDATE migration_transition SET detail = 'forged'");
            }
        }));
    }

    @Test
    void typedFactsLandInTheirColumns() {
        UUID id = UUID.randomUUID();
        UUID vtpcm = UUID.randomUUID();
        journal.create(id, "05".repeat(32), UUID.randomUUID(), OPTIONS);
        journal.source(id, "vm-5", vtpcm, "n1", 4);
        StateDigest digest = StateDigest.parse("ab".repeat(32));
        journal.digests(id, digest, StateDigest.NONE);
        journal.arrived(id, 120, 4);
        journal.cleanupPending(id, true);
        journal.reason(id, "waiting");
        MigrationRecord row = journal.find(id).orElseThrow();
        assertEquals("vm-5", row.vmName());
        assertEquals(vtpcm, row.vtpcmId());
        assertEquals("n1", row.source());
        assertEquals(4L, row.epoch());
        assertEquals(digest, row.digestLeft());
        assertEquals(StateDigest.NONE, row.digestArrived(), "no digest is kept as none, not as a missing value");
        assertEquals(120L, row.downtimeMillis());
        assertTrue(row.cleanupPending());
        assertEquals("waiting", row.reason());
    }

    @Test
    void theJournalSurvivesReopening() {
        UUID id = UUID.randomUUID();
        journal.create(id, "06".repeat(32), UUID.randomUUID(), OPTIONS);
        journal.begin(id, Phase.VM_MIGRATING, "libvirt");
        database.close();
        database = SqliteDatabase.open(folder.resolve("engine.db"), EngineSchema.VERSION, EngineSchema.DDL);
        journal = new MigrationJournal(database, new ObjectMapper().registerModule(new JavaTimeModule()), Clock.systemUTC());
        assertEquals(Phase.VM_MIGRATING, journal.active().get(0).phase());
        assertEquals(OPTIONS, journal.active().get(0).options());
    }

    @Test
    void anInstancesNewestMigrationIsFoundHoweverManyOthersFollowIt() {
        UUID vm = UUID.randomUUID();
        UUID older = UUID.randomUUID();
        journal.create(older, "00".repeat(32), vm, OPTIONS);
        journal.end(older, Phase.ROLLED_BACK, "first try");
        UUID mine = UUID.randomUUID();
        journal.create(mine, "00".repeat(32), vm, OPTIONS);
        for (int i = 0; i < 600; i++) { // the attack: cheap failing begins push it out of any bounded newest-N list
            UUID other = UUID.randomUUID();
            journal.create(other, "00".repeat(32), UUID.randomUUID(), OPTIONS);
            journal.end(other, Phase.ROLLED_BACK, "refused");
        }
        assertTrue(journal.list(false, 500).stream().noneMatch(record -> record.vmUuid().equals(vm)));
        assertEquals(mine, journal.latestOf(vm).orElseThrow().id());
        assertTrue(journal.latestOf(UUID.randomUUID()).isEmpty());
    }
}
