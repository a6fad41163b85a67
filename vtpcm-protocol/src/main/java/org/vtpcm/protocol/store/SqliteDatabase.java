package org.vtpcm.protocol.store;

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
 * One durable SQLite database file (the node's association list, the engine's journal). WAL with
 * synchronous=FULL: a committed change survives kill -9 and power loss; an uncommitted one is never
 * half-visible. One connection, used under a lock: the daemons' write rates are tiny and this keeps
 * every transaction strictly serial.
 */
public final class SqliteDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteDatabase.class);
    private final Path file;
    private final Connection connection;

    private SqliteDatabase(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /** Opens (creating) a database file with a component's schema and no upgrade steps. */
    public static SqliteDatabase open(Path file, int schemaVersion, List<String> schema) {
        return open(file, schemaVersion, schema, Map.of());
    }

    /**
     * Opens (creating) a database file: a new file gets {@code schema} and then every upgrade step; an
     * older one gets the steps above its version, each step exactly once in a file's life.
     */
    public static SqliteDatabase open(Path file, int schemaVersion, List<String> schema, Map<Integer, List<String>> upgrades) {
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
            return new SqliteDatabase(file, connection);
        } catch (SQLException | java.io.IOException e) {
            throw new StoreException("cannot open database " + file + ": " + e.getMessage(), e);
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
