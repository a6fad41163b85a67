package org.vtpcm.engine.attestation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.attestation.PlatformEvent;
import org.vtpcm.attestation.ReferenceValues;
import org.vtpcm.engine.journal.EngineSchema;
import org.vtpcm.protocol.store.SqliteDatabase;

class ReferenceValueStoreTest {
    private static final String QEMU = "ab".repeat(32);

    @TempDir
    Path temp;

    private SqliteDatabase database;
    private ReferenceValueStore store;

    @BeforeEach
    void open() {
        database = SqliteDatabase.open(temp.resolve("engine.db"), EngineSchema.VERSION, EngineSchema.DDL);
        store = new ReferenceValueStore(database, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        database.close();
    }

    private static PlatformEvent qemuIn(int pcr) {
        return new PlatformEvent(pcr, "file:/usr/bin/qemu-system-x86_64", HexFormat.of().parseHex(QEMU));
    }

    @Test
    void aValueForOneHostDoesNotApplyToAnother() {
        // before: one allow-list for every host, so a value trusted for n1 let n2 pass
        store.add(13, "file:/usr/bin/qemu-system-x86_64", QEMU, "n1's qemu", "host:n1");
        assertTrue(store.forHost("n1", "compute").allows(qemuIn(13)));
        assertFalse(store.forHost("n2", "compute").allows(qemuIn(13)));
        assertEquals(0, store.forHost("n2", "compute").size());
    }

    @Test
    void aValueForAClassAppliesToItsHostsOnly() {
        store.add(13, "file:/usr/bin/qemu-system-x86_64", QEMU, "", "class:gpu");
        assertTrue(store.forHost("n1", "gpu").allows(qemuIn(13)));
        assertFalse(store.forHost("n2", "compute").allows(qemuIn(13)));
    }

    @Test
    void globalIsTheDefaultAndAppliesEverywhere() {
        ReferenceValue value = store.add(13, "file:/usr/bin/qemu-system-x86_64", QEMU, null);
        assertEquals("global", value.scope());
        assertEquals("global", store.add(12, "config", QEMU, null, " ").scope());
        assertTrue(store.forHost("n1", "compute").allows(qemuIn(13)));
        assertTrue(store.forHost("n9", "gpu").allows(qemuIn(13)));
    }

    @Test
    void aValueMatchesOnlyItsPcr() {
        store.add(10, "file:/usr/bin/qemu-system-x86_64", QEMU, null);
        ReferenceValues values = store.forHost("n1", "compute");
        assertTrue(values.allows(qemuIn(10)));
        assertFalse(values.allows(qemuIn(11)));
    }

    @Test
    void theSameValueMayBeInSeveralScopes() {
        ReferenceValue forN1 = store.add(13, "q", QEMU, null, "host:n1");
        ReferenceValue forN2 = store.add(13, "q", QEMU, null, "host:n2");
        assertFalse(forN1.id() == forN2.id());
        assertEquals(forN1, store.add(13, "q", QEMU, "again", "host:n1"), "an identical value in its scope is returned");
        assertEquals(2, store.list().size());
    }

    @Test
    void badScopesAreRefused() {
        for (String scope : new String[] {"host:", "class:a b", "everywhere", "host:n1,host:n2", "HOST:n1"}) {
            assertThrows(IllegalArgumentException.class, () -> store.add(13, "q", QEMU, null, scope), scope);
        }
    }

    @Test
    void valuesOfAnOlderEngineBecomeGlobal() {
        database.close();
        Path older = temp.resolve("older.db");
        database = SqliteDatabase.open(older, EngineSchema.VERSION, EngineSchema.DDL);
        database.inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO reference_value (id, pcr, description, digest, label, "
                    + "added_at) VALUES (5, 13, 'q', ?, 'old', '2026-11-01T00:00:00Z')")) {
                insert.setString(1, QEMU);
                insert.executeUpdate();
            }
            return null;
        });
        store = new ReferenceValueStore(database, Clock.systemUTC());
        assertEquals(1, store.list().size());
        ReferenceValue moved = store.list().get(0);
        assertEquals(5, moved.id());
        assertEquals("global", moved.scope());
        store.remove(5);
        store = new ReferenceValueStore(database, Clock.systemUTC());
        assertEquals(0, store.list().size(), "a removed value does not come back at the next start");
    }
}
