package org.vtpcm.engine.attestation;

import com.google.inject.Inject;
import static java.util.Objects.requireNonNull;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.vtpcm.attestation.ReferenceValues;
import org.vtpcm.protocol.store.SqliteDatabase;

/**
 * The platform reference values nodes are attested against, kept in the engine's database, each
 * with its scope ({@link ReferenceScope}). A host is checked against the global values, those of its
 * class and its own.
 */
public final class ReferenceValueStore {
    /**
     * The scoped table, made here rather than in the journal's schema because the store owns it;
     * values of the unscoped {@code reference_value} table of older engines move into it as global ones.
     */
    private static final List<String> SCHEMA = List.of("""
            CREATE TABLE IF NOT EXISTS scoped_reference_value (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              pcr INTEGER NOT NULL,
              description TEXT NOT NULL,
              digest TEXT NOT NULL,
              label TEXT NOT NULL,
              added_at TEXT NOT NULL,
              scope TEXT NOT NULL,
              UNIQUE (pcr, description, digest, scope)
            )""",
            "INSERT OR IGNORE INTO scoped_reference_value (id, pcr, description, digest, label, added_at, scope) "
                    + "SELECT id, pcr, description, digest, label, added_at, 'global' FROM reference_value",
            "DELETE FROM reference_value");

    private final SqliteDatabase database;
    private final Clock clock;

    @Inject
    public ReferenceValueStore(SqliteDatabase database, Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.clock = requireNonNull(clock, "clock is null");
        database.inTransaction(connection -> {
            try (Statement statement = connection.createStatement()) {
                for (String sql : SCHEMA) {
                    statement.execute(sql);
                }
            }
            return null;
        });
    }

    /** Adds a global value; an identical one already present is returned instead. */
    public ReferenceValue add(int pcr, String description, String digestHex, String label) {
        return add(pcr, description, digestHex, label, ReferenceScope.GLOBAL);
    }

    /**
     * Adds a value for a scope (null or blank: global); an identical one already present in that
     * scope is returned instead.
     */
    public ReferenceValue add(int pcr, String description, String digestHex, String label, String scope) {
        String where = ReferenceScope.parse(scope);
        if (pcr < 0 || pcr > 23) {
            throw new IllegalArgumentException("pcr must be 0..23");
        }
        if (description == null || description.isBlank() || description.length() > 1024) {
            throw new IllegalArgumentException("description must be 1..1024 characters");
        }
        if (digestHex == null || !digestHex.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("digest must be a SHA-256 in hex (64 characters)");
        }
        String digest = digestHex.toLowerCase(java.util.Locale.ROOT);
        String text = label == null ? "" : label;
        if (text.length() > 256) {
            throw new IllegalArgumentException("label must be at most 256 characters");
        }
        return database.inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT OR IGNORE INTO scoped_reference_value (pcr, description, "
                    + "digest, label, added_at, scope) VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setInt(1, pcr);
                insert.setString(2, description);
                insert.setString(3, digest);
                insert.setString(4, text);
                insert.setString(5, clock.instant().toString());
                insert.setString(6, where);
                insert.executeUpdate();
            }
            try (PreparedStatement select = connection.prepareStatement("SELECT * FROM scoped_reference_value WHERE pcr = ? "
                    + "AND description = ? AND digest = ? AND scope = ?")) {
                select.setInt(1, pcr);
                select.setString(2, description);
                select.setString(3, digest);
                select.setString(4, where);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return read(row);
                }
            }
        });
    }

    public List<ReferenceValue> list() {
        return database.inTransaction(connection -> {
            List<ReferenceValue> values = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT * FROM scoped_reference_value ORDER BY id");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    values.add(read(rows));
                }
            }
            return values;
        });
    }

    public Optional<ReferenceValue> find(long id) {
        return list().stream().filter(value -> value.id() == id).findFirst();
    }

    /** Removes one; false when there was none with that id. */
    public boolean remove(long id) {
        return database.inTransaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM scoped_reference_value WHERE id = ?")) {
                delete.setLong(1, id);
                return delete.executeUpdate() == 1;
            }
        });
    }

    /** What the quote verifier checks one host's event log against: the global values, its class's and its own. */
    public ReferenceValues forHost(String host, String hostClass) {
        Set<String> scopes = Set.of(ReferenceScope.GLOBAL, ReferenceScope.ofClass(hostClass), ReferenceScope.ofHost(host));
        ReferenceValues.Builder builder = ReferenceValues.builder();
        for (ReferenceValue value : list()) {
            if (scopes.contains(value.scope())) {
                builder.allow(value.pcr(), value.description(), HexFormat.of().parseHex(value.digest()));
            }
        }
        return builder.build();
    }

    private static ReferenceValue read(ResultSet row) throws java.sql.SQLException {
        return new ReferenceValue(row.getLong("id"), row.getInt("pcr"), row.getString("description"), row.getString("digest"),
                row.getString("label"), Instant.parse(row.getString("added_at")), row.getString("scope"));
    }
}
