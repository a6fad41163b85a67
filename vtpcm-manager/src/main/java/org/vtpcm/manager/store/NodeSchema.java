package org.vtpcm.manager.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.vtpcm.protocol.store.SqliteDatabase;

/** The node's one database file: the association list, its history, sealed secrets, reference values, measurement logs. */
public final class NodeSchema {
    static final int SCHEMA_VERSION = 2;
    private static final List<String> SCHEMA = List.of(
            """
            CREATE TABLE IF NOT EXISTS vtpcm (
              vtpcm_id TEXT PRIMARY KEY,
              vm_uuid TEXT NOT NULL,
              vm_name TEXT NOT NULL,
              state TEXT NOT NULL,
              epoch INTEGER NOT NULL,
              host TEXT NOT NULL,
              policy TEXT NOT NULL,
              created_at TEXT NOT NULL,
              updated_at TEXT NOT NULL,
              attention TEXT
            )""",
            // a VM has at most one live vTPCM on a node
            "CREATE UNIQUE INDEX IF NOT EXISTS vtpcm_live_vm ON vtpcm(vm_uuid) WHERE state <> 'DESTROYED'",
            """
            CREATE TABLE IF NOT EXISTS vtpcm_transition (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              vtpcm_id TEXT NOT NULL,
              from_state TEXT,
              to_state TEXT NOT NULL,
              at TEXT NOT NULL,
              reason TEXT NOT NULL
            )""",
            """
            CREATE TABLE IF NOT EXISTS vtpcm_secret (
              vtpcm_id TEXT PRIMARY KEY,
              suite TEXT NOT NULL,
              identity_public BLOB NOT NULL,
              identity_private_sealed BLOB NOT NULL,
              state_key_sealed BLOB NOT NULL
            )""",
            """
            CREATE TABLE IF NOT EXISTS reference_value (
              id TEXT PRIMARY KEY,
              kind TEXT NOT NULL,
              digest TEXT NOT NULL,
              suite TEXT NOT NULL,
              label TEXT NOT NULL,
              created_at TEXT NOT NULL,
              revoked_at TEXT
            )""",
            """
            CREATE TABLE IF NOT EXISTS measurement_log (
              vtpcm_id TEXT NOT NULL,
              seq INTEGER NOT NULL,
              at TEXT NOT NULL,
              event TEXT NOT NULL,
              target TEXT NOT NULL,
              digest TEXT NOT NULL,
              verdict TEXT NOT NULL,
              detail TEXT NOT NULL,
              previous_hash TEXT NOT NULL,
              entry_hash TEXT NOT NULL,
              signature TEXT NOT NULL,
              PRIMARY KEY (vtpcm_id, seq)
            )""",
            // the measurement log is append-only, enforced by the database itself
            """
            CREATE TRIGGER IF NOT EXISTS measurement_log_no_update BEFORE UPDATE ON measurement_log
            BEGIN SELECT RAISE(ABORT, 'the measurement log is append-only'); END""",
            """
            CREATE TRIGGER IF NOT EXISTS measurement_log_no_delete BEFORE DELETE ON measurement_log
            BEGIN SELECT RAISE(ABORT, 'the measurement log is append-only'); END""");
    /**
     * What brings a file of an older version up to date, by the version each step reaches.
     */
    private static final Map<Integer, List<String>> UPGRADES = Map.of(
            // 2: a vTPCM in migration names its migration (hooks for another id are refused) and, at the source, the
            // destination its state was sent to; both NULL outside a migration
            2, List.of("ALTER TABLE vtpcm ADD COLUMN migration_id TEXT", "ALTER TABLE vtpcm ADD COLUMN migration_destination TEXT"));

    private NodeSchema() {
    }

    /** Opens (creating or upgrading) the node database at {@code file}. */
    public static SqliteDatabase open(Path file) {
        return SqliteDatabase.open(file, SCHEMA_VERSION, SCHEMA, UPGRADES);
    }
}
