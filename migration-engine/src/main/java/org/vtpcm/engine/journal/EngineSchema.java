package org.vtpcm.engine.journal;

import java.util.List;

/**
 * The engine's database: the migration journal, receipts, reference values, node enrollment tokens and enrollments,
 * the registry of certificates the cloud CA issued and the current revocation list.
 */
public final class EngineSchema {
    public static final int VERSION = 3;
    public static final List<String> DDL = List.of(
            """
            CREATE TABLE IF NOT EXISTS migration (
              id TEXT PRIMARY KEY,
              nonce TEXT NOT NULL,
              vm_uuid TEXT NOT NULL,
              vm_name TEXT,
              vtpcm_id TEXT,
              source TEXT,
              destination TEXT,
              phase TEXT NOT NULL,
              outcome TEXT,
              reason TEXT,
              options TEXT NOT NULL,
              created_at TEXT NOT NULL,
              updated_at TEXT NOT NULL,
              epoch INTEGER,
              digest_left TEXT,
              digest_arrived TEXT,
              downtime_ms INTEGER,
              total_ms INTEGER,
              rejected TEXT NOT NULL DEFAULT '[]',
              progress TEXT,
              switched_over INTEGER NOT NULL DEFAULT 0,
              cleanup_pending INTEGER NOT NULL DEFAULT 0
            )""",
            // never two unfinished migrations of one VM, enforced by the database itself
            "CREATE UNIQUE INDEX IF NOT EXISTS migration_one_active_per_vm ON migration(vm_uuid) WHERE outcome IS NULL",
            "CREATE INDEX IF NOT EXISTS migration_created ON migration(created_at)",
            """
            CREATE TABLE IF NOT EXISTS migration_transition (
              seq INTEGER PRIMARY KEY AUTOINCREMENT,
              migration_id TEXT NOT NULL,
              phase TEXT NOT NULL,
              step TEXT NOT NULL,
              at TEXT NOT NULL,
              detail TEXT NOT NULL
            )""",
            "CREATE INDEX IF NOT EXISTS migration_transition_id ON migration_transition(migration_id)",
            // the transitions are the journal's history: append-only
            """
            CREATE TRIGGER IF NOT EXISTS migration_transition_no_update BEFORE UPDATE ON migration_transition
            BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END""",
            """
            CREATE TRIGGER IF NOT EXISTS migration_transition_no_delete BEFORE DELETE ON migration_transition
            BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END""",
            """
            CREATE TABLE IF NOT EXISTS receipt (
              migration_id TEXT PRIMARY KEY,
              body TEXT NOT NULL,
              suite TEXT NOT NULL,
              signature TEXT NOT NULL,
              signing_key TEXT NOT NULL
            )""",
            """
            CREATE TABLE IF NOT EXISTS reference_value (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              pcr INTEGER NOT NULL,
              description TEXT NOT NULL,
              digest TEXT NOT NULL,
              label TEXT NOT NULL,
              added_at TEXT NOT NULL,
              UNIQUE (pcr, description, digest)
            )""",
            // version 2: node enrollment through the engine; a token is kept only as its SHA-256
            """
            CREATE TABLE IF NOT EXISTS enrollment_token (
              id TEXT PRIMARY KEY,
              node TEXT NOT NULL,
              token_sha256 TEXT NOT NULL UNIQUE,
              created_at TEXT NOT NULL,
              created_by TEXT NOT NULL,
              expires_at TEXT NOT NULL,
              used_at TEXT,
              outcome TEXT,
              revoked_at TEXT,
              revoked_by TEXT
            )""",
            """
            CREATE TABLE IF NOT EXISTS node_enrollment (
              seq INTEGER PRIMARY KEY AUTOINCREMENT,
              node TEXT NOT NULL,
              token_id TEXT NOT NULL,
              at TEXT NOT NULL,
              ek_sha256 TEXT NOT NULL,
              ak_name TEXT NOT NULL,
              ak_serial TEXT NOT NULL,
              tls_serial TEXT NOT NULL,
              migration_tls_serial TEXT NOT NULL,
              re_enrollment INTEGER NOT NULL
            )""",
            """
            CREATE TRIGGER IF NOT EXISTS node_enrollment_no_update BEFORE UPDATE ON node_enrollment
            BEGIN SELECT RAISE(ABORT, 'the enrollment history is append-only'); END""",
            """
            CREATE TRIGGER IF NOT EXISTS node_enrollment_no_delete BEFORE DELETE ON node_enrollment
            BEGIN SELECT RAISE(ABORT, 'the enrollment history is append-only'); END""",
            // version 3: every certificate the engine's CA issues, and the revocation list (CRL) made from them
            """
            CREATE TABLE IF NOT EXISTS certificate (
              serial TEXT PRIMARY KEY,
              subject TEXT NOT NULL,
              role TEXT NOT NULL,
              node TEXT,
              issued_at TEXT NOT NULL,
              not_after TEXT NOT NULL,
              revoked_at TEXT,
              revocation_reason TEXT,
              revoked_by TEXT
            )""",
            "CREATE INDEX IF NOT EXISTS certificate_node ON certificate(node)",
            // a revocation is final: a revoked certificate's row never changes again, and no row is ever deleted
            """
            CREATE TRIGGER IF NOT EXISTS certificate_revocation_final BEFORE UPDATE ON certificate WHEN OLD.revoked_at IS NOT NULL
            BEGIN SELECT RAISE(ABORT, 'a revoked certificate stays revoked'); END""",
            """
            CREATE TRIGGER IF NOT EXISTS certificate_no_delete BEFORE DELETE ON certificate
            BEGIN SELECT RAISE(ABORT, 'the certificate registry is append-only'); END""",
            // one row: the current CRL; its number only grows (managers refuse an older one)
            """
            CREATE TABLE IF NOT EXISTS revocation_list (
              id INTEGER PRIMARY KEY CHECK (id = 1),
              number INTEGER NOT NULL,
              issued_at TEXT NOT NULL,
              next_update TEXT NOT NULL,
              der BLOB NOT NULL
            )""",
            """
            CREATE TRIGGER IF NOT EXISTS revocation_list_number_grows BEFORE UPDATE ON revocation_list WHEN NEW.number <= OLD.number
            BEGIN SELECT RAISE(ABORT, 'the CRL number only grows'); END""");

    private EngineSchema() {
    }
}
