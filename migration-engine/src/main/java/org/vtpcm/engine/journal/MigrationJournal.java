package org.vtpcm.engine.journal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.vtpcm.protocol.state.StateDigest;
import org.vtpcm.protocol.store.SqliteDatabase;

/**
 * The write-ahead journal of migrations. Every phase is recorded as begun before its side effect
 * and as done after it; ends are recorded with their reason. The row holds what recovery needs.
 */
public final class MigrationJournal {
    private static final TypeReference<List<RejectedHost>> REJECTED = new TypeReference<>() {
    };

    private final SqliteDatabase database;
    private final ObjectMapper json;
    private final Clock clock;

    public MigrationJournal(SqliteDatabase database, ObjectMapper json, Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.json = requireNonNull(json, "json is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Records a new migration in REQUESTED; refuses a second unfinished migration of the VM. */
    public MigrationRecord create(UUID id, String nonce, UUID vmUuid, MigrationOptions options) {
        String now = clock.instant().toString();
        try {
            database.inTransaction(connection -> {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO migration (id, nonce, vm_uuid, phase, options, "
                        + "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    insert.setString(1, id.toString());
                    insert.setString(2, nonce);
                    insert.setString(3, vmUuid.toString());
                    insert.setString(4, Phase.REQUESTED.name());
                    insert.setString(5, write(options));
                    insert.setString(6, now);
                    insert.setString(7, now);
                    insert.executeUpdate();
                }
                transition(connection, id, Phase.REQUESTED, "begin", "requested", now);
                return null;
            });
        } catch (RuntimeException e) {
            if (String.valueOf(e.getMessage()).contains("UNIQUE constraint failed: migration.vm_uuid")) {
                String other = active().stream().filter(r -> r.vmUuid().equals(vmUuid)).map(r -> r.id().toString()).findFirst().orElse("?");
                throw new VmAlreadyMigratingException("vm " + vmUuid + " is already migrating (migration " + other + ")");
            }
            throw e;
        }
        return find(id).orElseThrow();
    }

    /** Write-ahead: the phase begins (its side effect follows). */
    public void begin(UUID id, Phase phase, String detail) {
        String now = clock.instant().toString();
        database.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE migration SET phase = ?, updated_at = ? WHERE id = ?")) {
                update.setString(1, phase.name());
                update.setString(2, now);
                update.setString(3, id.toString());
                update.executeUpdate();
            }
            transition(connection, id, phase, "begin", detail, now);
            return null;
        });
    }

    /** The phase's side effect is done. */
    public void done(UUID id, Phase phase, String detail) {
        database.inTransaction(connection -> {
            transition(connection, id, phase, "done", detail, clock.instant().toString());
            return null;
        });
    }

    /** The migration ends: COMMITTED, ROLLED_BACK or FAILED, with why. */
    public void end(UUID id, Phase outcome, String reason) {
        if (!outcome.isEnd()) {
            throw new IllegalArgumentException(outcome + " is not an end");
        }
        String now = clock.instant().toString();
        database.inTransaction(connection -> {
            MigrationRecord row = read(connection, id).orElseThrow();
            long total = Duration.between(row.createdAt(), Instant.parse(now)).toMillis();
            try (PreparedStatement update = connection.prepareStatement("UPDATE migration SET phase = ?, outcome = ?, reason = ?, "
                    + "total_ms = ?, progress = NULL, updated_at = ? WHERE id = ? AND outcome IS NULL")) {
                update.setString(1, outcome.name());
                update.setString(2, outcome.name());
                update.setString(3, reason);
                update.setLong(4, total);
                update.setString(5, now);
                update.setString(6, id.toString());
                if (update.executeUpdate() != 1) {
                    throw new IllegalStateException("migration " + id + " has already ended");
                }
            }
            transition(connection, id, outcome, "end", reason == null ? "" : reason, now);
            return null;
        });
    }

    /** Where the vTPCM was found when the migration opened, and the epoch it gets at the destination. */
    public void source(UUID id, String vmName, UUID vtpcmId, String source, long newEpoch) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("vm_name", vmName);
        values.put("vtpcm_id", vtpcmId);
        values.put("source", source);
        values.put("epoch", newEpoch);
        update(id, values);
    }

    /** The selected destination. */
    public void destination(UUID id, String host) {
        update(id, Map.of("destination", host));
    }

    /** The guest can no longer run at the source: from here the migration only rolls forward (its VM progress is cleared). */
    public void switchedOver(UUID id) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("switched_over", 1);
        values.put("progress", null); // in the same write: the guest waits on every write while it is paused for verification
        update(id, values);
    }

    /** The digests of the TPM state that left the source and that arrived at the destination. */
    public void digests(UUID id, StateDigest left, StateDigest arrived) {
        update(id, Map.of("digest_left", left.hex(), "digest_arrived", arrived.hex()));
    }

    /** The guest's downtime (-1 unknown) and the vTPCM's epoch at the destination, once it resumed there. */
    public void arrived(UUID id, long downtimeMillis, long epoch) {
        update(id, Map.of("downtime_ms", downtimeMillis, "epoch", epoch));
    }

    /** Whether a rolled-back migration still has a destination to clean up. */
    public void cleanupPending(UUID id, boolean pending) {
        update(id, Map.of("cleanup_pending", pending ? 1 : 0));
    }

    /** Why an active migration waits (empty when it no longer does). */
    public void reason(UUID id, String reason) {
        update(id, Map.of("reason", reason));
    }

    private void update(UUID id, Map<String, Object> values) {
        StringBuilder sql = new StringBuilder("UPDATE migration SET updated_at = ?");
        values.keySet().forEach(column -> sql.append(", ").append(column).append(" = ?"));
        sql.append(" WHERE id = ?");
        database.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(sql.toString())) {
                int index = 1;
                update.setString(index++, clock.instant().toString());
                for (Object value : values.values()) {
                    update.setObject(index++, value instanceof UUID || value instanceof Enum<?> ? value.toString() : value);
                }
                update.setString(index, id.toString());
                update.executeUpdate();
            }
            return null;
        });
    }

    public void rejected(UUID id, List<RejectedHost> rejected) {
        update(id, Map.of("rejected", write(rejected)));
    }

    public void progress(UUID id, VmProgress progress) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("progress", progress == null ? null : write(progress));
        update(id, values);
    }

    public Optional<MigrationRecord> find(UUID id) {
        return database.inTransaction(connection -> read(connection, id));
    }

    /** The VM's newest migration, by an exact query on the VM (however many other migrations the journal holds). */
    public Optional<MigrationRecord> latestOf(UUID vmUuid) {
        return database.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT id FROM migration WHERE vm_uuid = ? "
                    + "ORDER BY created_at DESC, rowid DESC LIMIT 1")) {
                select.setString(1, vmUuid.toString());
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? read(connection, UUID.fromString(rows.getString(1))) : Optional.<MigrationRecord>empty();
                }
            }
        });
    }

    /** Newest first. */
    public List<MigrationRecord> list(boolean activeOnly, int limit) {
        return database.inTransaction(connection -> {
            List<UUID> ids = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT id FROM migration" + (activeOnly ? " WHERE outcome IS NULL" : "")
                    + " ORDER BY created_at DESC, rowid DESC LIMIT ?")) {
                select.setInt(1, limit);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        ids.add(UUID.fromString(rows.getString(1)));
                    }
                }
            }
            List<MigrationRecord> records = new ArrayList<>();
            for (UUID id : ids) {
                read(connection, id).ifPresent(records::add);
            }
            return records;
        });
    }

    /** Every unfinished migration, oldest first (for recovery). */
    public List<MigrationRecord> active() {
        List<MigrationRecord> active = new ArrayList<>(list(true, 100_000));
        java.util.Collections.reverse(active);
        return active;
    }

    /** Migrations rolled back with a node still to clean up. */
    public List<MigrationRecord> cleanupPending() {
        return list(false, 1000).stream().filter(MigrationRecord::cleanupPending).toList();
    }

    /** Counts by outcome, for metrics after a restart. */
    public Map<Phase, Long> countsByOutcome() {
        return database.inTransaction(connection -> {
            Map<Phase, Long> counts = new EnumMap<>(Phase.class);
            try (PreparedStatement select = connection.prepareStatement("SELECT outcome, count(*) FROM migration WHERE outcome IS NOT NULL "
                    + "GROUP BY outcome"); ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    counts.put(Phase.valueOf(rows.getString(1)), rows.getLong(2));
                }
            }
            return counts;
        });
    }

    /** The transitions of a migration as text lines, in order (for operators and tests). */
    public List<String> history(UUID id) {
        return database.inTransaction(connection -> {
            List<String> lines = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT at, phase, step, detail FROM migration_transition "
                    + "WHERE migration_id = ? ORDER BY seq")) {
                select.setString(1, id.toString());
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        lines.add(rows.getString(1) + " " + rows.getString(2) + " " + rows.getString(3) + " " + rows.getString(4));
                    }
                }
            }
            return lines;
        });
    }

    private Optional<MigrationRecord> read(Connection connection, UUID id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT * FROM migration WHERE id = ?")) {
            select.setString(1, id.toString());
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new MigrationRecord(id, row.getString("nonce"), UUID.fromString(row.getString("vm_uuid")),
                        row.getString("vm_name"), uuid(row.getString("vtpcm_id")), row.getString("source"), row.getString("destination"),
                        Phase.valueOf(row.getString("phase")), row.getString("outcome") == null ? null : Phase.valueOf(row.getString("outcome")),
                        row.getString("reason"), read(row.getString("options"), MigrationOptions.class),
                        Instant.parse(row.getString("created_at")), Instant.parse(row.getString("updated_at")), nullableLong(row, "epoch"),
                        digest(row.getString("digest_left")), digest(row.getString("digest_arrived")), nullableLong(row, "downtime_ms"),
                        nullableLong(row, "total_ms"), readList(row.getString("rejected")),
                        row.getString("progress") == null ? null : read(row.getString("progress"), VmProgress.class),
                        row.getInt("switched_over") == 1, row.getInt("cleanup_pending") == 1, timings(connection, id)));
            }
        }
    }

    private static List<PhaseTiming> timings(Connection connection, UUID id) throws SQLException {
        List<PhaseTiming> timings = new ArrayList<>();
        Map<Phase, Instant> begun = new EnumMap<>(Phase.class);
        try (PreparedStatement select = connection.prepareStatement("SELECT phase, step, at FROM migration_transition WHERE migration_id = ? "
                + "ORDER BY seq")) {
            select.setString(1, id.toString());
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Phase phase = Phase.valueOf(rows.getString(1));
                    Instant at = Instant.parse(rows.getString(3));
                    switch (rows.getString(2)) {
                        case "begin" -> {
                            begun.put(phase, at);
                            timings.removeIf(t -> t.phase() == phase);
                            timings.add(new PhaseTiming(phase, at, null));
                        }
                        case "done" -> {
                            Instant start = begun.getOrDefault(phase, at);
                            timings.removeIf(t -> t.phase() == phase);
                            timings.add(new PhaseTiming(phase, start, Duration.between(start, at).toMillis()));
                        }
                        default -> { // the end: COMMITTED already has its timing from its begin and done
                            if (timings.stream().noneMatch(t -> t.phase() == phase)) {
                                timings.add(new PhaseTiming(phase, at, 0L));
                            }
                        }
                    }
                }
            }
        }
        return timings;
    }

    private static void transition(Connection connection, UUID id, Phase phase, String step, String detail, String at) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO migration_transition (migration_id, phase, step, at, detail) "
                + "VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, id.toString());
            insert.setString(2, phase.name());
            insert.setString(3, step);
            insert.setString(4, at);
            insert.setString(5, detail == null ? "" : detail);
            insert.executeUpdate();
        }
    }

    private static Long nullableLong(ResultSet row, String column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? null : value;
    }

    private static StateDigest digest(String hex) {
        return hex == null ? null : StateDigest.parse(hex);
    }

    private static UUID uuid(String text) {
        return text == null ? null : UUID.fromString(text);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T read(String text, Class<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("journal holds malformed JSON: " + e.getMessage());
        }
    }

    private List<RejectedHost> readList(String text) {
        try {
            return json.readValue(text, REJECTED);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("journal holds malformed JSON: " + e.getMessage());
        }
    }
}
