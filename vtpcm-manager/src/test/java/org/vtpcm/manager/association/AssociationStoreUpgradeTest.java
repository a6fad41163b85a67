package org.vtpcm.manager.association;

import org.vtpcm.manager.store.NodeSchema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.protocol.store.SqliteDatabase;

/** A node database written before migrations were recorded (schema 1) opens, upgrades once, and keeps its rows. */
class AssociationStoreUpgradeTest {
    @TempDir
    Path folder;

    @Test
    void aSchemaOneFileUpgradesInPlaceAndKeepsItsRows() throws Exception {
        Path file = folder.resolve("node.db");
        UUID vtpcm = UUID.randomUUID();
        UUID vm = UUID.randomUUID();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file); Statement statement = connection.createStatement()) {
            statement.execute("""
                    CREATE TABLE vtpcm (vtpcm_id TEXT PRIMARY KEY, vm_uuid TEXT NOT NULL, vm_name TEXT NOT NULL, state TEXT NOT NULL,
                      epoch INTEGER NOT NULL, host TEXT NOT NULL, policy TEXT NOT NULL, created_at TEXT NOT NULL,
                      updated_at TEXT NOT NULL, attention TEXT)""");
            statement.execute("INSERT INTO vtpcm VALUES ('" + vtpcm + "', '" + vm + "', 'guest', 'RUNNING', 3, 'n1', 'DENY', "
                    + "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', NULL)");
            statement.execute("PRAGMA user_version=1");
        }

        for (int open = 0; open < 2; open++) { // the second open finds schema 2 and changes nothing
            try (SqliteDatabase database = NodeSchema.open(file)) {
                AssociationStore store = new AssociationStore(database, Clock.systemUTC());
                Association row = store.live(vm);
                assertEquals(3, row.epoch());
                assertTrue(row.migration().isEmpty());
                UUID migration = UUID.randomUUID();
                assertEquals(Optional.of(migration), store.beginMigration(migration, vtpcm, "upgrade test").migrationId());
                store.transition(vtpcm, VtpcmState.FROZEN, VtpcmState.RUNNING, "back");
            }
        }
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file); Statement statement = connection.createStatement();
                ResultSet version = statement.executeQuery("PRAGMA user_version")) {
            assertTrue(version.next());
            assertEquals(2, version.getInt(1));
        }
    }
}
