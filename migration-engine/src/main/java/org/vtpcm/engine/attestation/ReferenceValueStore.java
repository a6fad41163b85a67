package org.vtpcm.engine.attestation;

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
import org.vtpcm.attestation.ReferenceValues;
import org.vtpcm.manager.store.NodeDatabase;

/** The platform reference values nodes are attested against, kept in the engine's database. */
public final class ReferenceValueStore {
    private final NodeDatabase database;
    private final Clock clock;

    public ReferenceValueStore(NodeDatabase database, Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Adds a value; an identical one already present is returned instead. */
    public ReferenceValue add(int pcr, String description, String digestHex, String label) {
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
            try (PreparedStatement insert = connection.prepareStatement("INSERT OR IGNORE INTO reference_value (pcr, description, digest, "
                    + "label, added_at) VALUES (?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                insert.setInt(1, pcr);
                insert.setString(2, description);
                insert.setString(3, digest);
                insert.setString(4, text);
                insert.setString(5, clock.instant().toString());
                insert.executeUpdate();
            }
            try (PreparedStatement select = connection.prepareStatement("SELECT * FROM reference_value WHERE pcr = ? AND description = ? "
                    + "AND digest = ?")) {
                select.setInt(1, pcr);
                select.setString(2, description);
                select.setString(3, digest);
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
            try (PreparedStatement select = connection.prepareStatement("SELECT * FROM reference_value ORDER BY id");
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
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM reference_value WHERE id = ?")) {
                delete.setLong(1, id);
                return delete.executeUpdate() == 1;
            }
        });
    }

    /** What the quote verifier checks event logs against. */
    public ReferenceValues asReferenceValues() {
        ReferenceValues.Builder builder = ReferenceValues.builder();
        for (ReferenceValue value : list()) {
            builder.allow(value.description(), HexFormat.of().parseHex(value.digest()));
        }
        return builder.build();
    }

    private static ReferenceValue read(ResultSet row) throws java.sql.SQLException {
        return new ReferenceValue(row.getLong("id"), row.getInt("pcr"), row.getString("description"), row.getString("digest"),
                row.getString("label"), Instant.parse(row.getString("added_at")));
    }
}
