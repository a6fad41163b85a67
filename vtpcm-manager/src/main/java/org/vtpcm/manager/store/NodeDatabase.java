package org.vtpcm.manager.store;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one database file (SQLite). WAL with synchronous=FULL: a committed change survives
 * kill -9 and power loss; an uncommitted one is never half-visible. One connection, used under a
 * lock: the manager's write rate is tiny and this keeps every transaction strictly serial.
 */
public final class NodeDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeDatabase.class);
    private static final int SCHEMA_VERSION = 2;
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
     * What brings a file of an older version up to date, by the version each step reaches; a new file
     * gets {@link #SCHEMA} and then every step too, so each step runs exactly once in a file's life.
     */
    private static final Map<Integer, List<String>> UPGRADES = Map.of(
            // 2: a vTPCM in migration names its migration (hooks for another id are refused) and, at the source, the
            // destination its state was sent to; both NULL outside a migration
            2, List.of("ALTER TABLE vtpcm ADD COLUMN migration_id TEXT", "ALTER TABLE vtpcm ADD COLUMN migration_destination TEXT"));

    private final Path file;
    private final Connection connection;

    private NodeDatabase(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    public static NodeDatabase open(Path file) {
        return open(file, SCHEMA_VERSION, SCHEMA, UPGRADES);
    }

    /** Opens (creating) a database file with another component's schema, same durability settings (the engine's journal). */
    public static NodeDatabase open(Path file, int schemaVersion, List<String> schema) {
        return open(file, schemaVersion, schema, Map.of());
    }

    private static NodeDatabase open(Path file, int schemaVersion, List<String> schema, Map<Integer, List<String>> upgrades) {
        requireNonNull(file, "file is null");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode=WAL");
                statement.execute("PRAGMA synchronous=FULL");
                statement.execute("PRAGMA busy_timeout=5000");
                statement.execute("PRAGMA foreign_keys=ON");
                // erased key material is overwritten in the file, not just unlinked from the b-tree
                statement.execute("PRAGMA secure_delete=ON");
                int version;
                try (var result = statement.executeQuery("PRAGMA user_version")) {
                    version = result.next() ? result.getInt(1) : 0;
                }
                if (version > schemaVersion) {
                    connection.close();
                    throw new StoreException("database " + file + " has schema version " + version
                            + ", newer than this program understands (" + schemaVersion + ")");
                }
                for (String ddl : schema) {
                    statement.execute(ddl);
                }
                upgrade(connection, version, schemaVersion, upgrades);
            }
            LOG.info("database {} open (schema {})", file, schemaVersion);
            return new NodeDatabase(file, connection);
        } catch (SQLException | java.io.IOException e) {
            throw new StoreException("cannot open node database " + file + ": " + e.getMessage(), e);
        }
    }

    /** Runs the steps from {@code from} to {@code to} and records the new version, all in one transaction. */
    private static void upgrade(Connection connection, int from, int to, Map<Integer, List<String>> upgrades) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            for (int version = from + 1; version <= to; version++) {
                for (String ddl : upgrades.getOrDefault(version, List.of())) {
                    statement.execute(ddl);
                }
            }
            statement.execute("PRAGMA user_version=" + to);
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    public Path file() {
        return file;
    }

    /** Runs work in one transaction; commits if it returns, rolls back if it throws. */
    public synchronized <T> T inTransaction(SqlWork<T> work) {
        try {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("database error in " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.warn("closing {} failed: {}", file, e.getMessage());
        }
    }

    /** A unit of database work. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }
}
