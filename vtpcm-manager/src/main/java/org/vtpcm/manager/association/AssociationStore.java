package org.vtpcm.manager.association;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.protocol.store.SqliteDatabase;

/**
 * The durable VM-vTPCM association list. Every change is one transaction that also appends to the
 * transition history; a transition is a compare-and-set on the current state, so two racing
 * callers cannot both move the same vTPCM.
 */
public final class AssociationStore {
    private static final Logger LOG = LoggerFactory.getLogger(AssociationStore.class);
    private static final String COLUMNS = "vtpcm_id, vm_uuid, vm_name, state, epoch, host, policy, created_at, updated_at, attention, "
            + "migration_id, migration_destination";

    private final SqliteDatabase database;
    private final Clock clock;

    @Inject
    public AssociationStore(SqliteDatabase database, Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Adds a vTPCM in {@code state} (CREATED for a new VM, MIGRATING_IN for an incoming one). */
    public Association create(UUID vtpcmId, UUID vmUuid, String vmName, VtpcmState state, long epoch, String host,
            ControlPolicy policy) {
        return create(vtpcmId, vmUuid, vmName, state, epoch, host, policy, Optional.empty());
    }

    /** Adds a vTPCM; an incoming one (MIGRATING_IN) is bound to the migration that brings it, a new one (CREATED) to none. */
    public Association create(UUID vtpcmId, UUID vmUuid, String vmName, VtpcmState state, long epoch, String host,
            ControlPolicy policy, Optional<UUID> migrationId) {
        if (state != VtpcmState.CREATED && state != VtpcmState.MIGRATING_IN) {
            throw new IllegalTransitionException("a vTPCM starts as CREATED or MIGRATING_IN, not " + state);
        }
        if (migrationId.isPresent() && !state.inMigration()) {
            throw new IllegalArgumentException("a vTPCM created " + state + " is in no migration");
        }
        Instant now = clock.instant();
        Optional<MigrationBinding> binding = migrationId.map(id -> new MigrationBinding(id, Optional.empty()));
        Association row = new Association(vtpcmId, vmUuid, vmName, state, epoch, host, policy, now, now, Optional.empty(), binding);
        database.inTransaction(connection -> {
            if (findLiveByVm(connection, vmUuid).isPresent()) {
                throw new IllegalTransitionException("VM " + vmUuid + " already has a live vTPCM on this node");
            }
            Optional<Association> previous = find(connection, vtpcmId);
            if (previous.isPresent()) {
                if (!mayRevive(previous.get(), lastDestroyedFrom(connection, vtpcmId), epoch)) {
                    throw new IllegalTransitionException("vTPCM " + vtpcmId + " already exists on this node ("
                            + previous.get().state() + ", epoch " + previous.get().epoch() + ")");
                }
                try (PreparedStatement revive = connection.prepareStatement("UPDATE vtpcm SET vm_uuid = ?, vm_name = ?, state = ?, "
                        + "epoch = ?, host = ?, policy = ?, updated_at = ?, attention = NULL, migration_id = ?, "
                        + "migration_destination = NULL WHERE vtpcm_id = ? AND state = 'DESTROYED'")) {
                    revive.setString(1, vmUuid.toString());
                    revive.setString(2, vmName);
                    revive.setString(3, state.name());
                    revive.setLong(4, epoch);
                    revive.setString(5, host);
                    revive.setString(6, policy.name());
                    revive.setString(7, now.toString());
                    revive.setString(8, migrationId.map(UUID::toString).orElse(null));
                    revive.setString(9, vtpcmId.toString());
                    revive.executeUpdate();
                }
                history(connection, vtpcmId, VtpcmState.DESTROYED, state, now, "returned to this node at epoch " + epoch);
                return null;
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO vtpcm (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL)")) {
                insert.setString(1, vtpcmId.toString());
                insert.setString(2, vmUuid.toString());
                insert.setString(3, vmName);
                insert.setString(4, state.name());
                insert.setLong(5, epoch);
                insert.setString(6, host);
                insert.setString(7, policy.name());
                insert.setString(8, now.toString());
                insert.setString(9, now.toString());
                insert.setString(10, migrationId.map(UUID::toString).orElse(null));
                insert.executeUpdate();
            }
            history(connection, vtpcmId, null, state, now, "created");
            return null;
        });
        LOG.info("vtpcm {} for vm {} created in state {} (epoch {}{})", vtpcmId, vmUuid, state, epoch,
                migrationId.map(id -> ", migration " + id).orElse(""));
        return row;
    }

    /**
     * Moves the vTPCM from {@code from} to {@code to}; refused when the life cycle does not allow
     * it or the row is no longer in {@code from}.
     */
    public Association transition(UUID vtpcmId, VtpcmState from, VtpcmState to, String reason) {
        return transition(vtpcmId, from, to, -1, reason);
    }

    /**
     * Like {@link #transition(UUID, VtpcmState, VtpcmState, String)}, also setting the epoch (if >= 0).
     * The row's migration binding is kept while the vTPCM stays in a migration state and cleared when
     * it leaves one.
     */
    public Association transition(UUID vtpcmId, VtpcmState from, VtpcmState to, long newEpoch, String reason) {
        return move(vtpcmId, from, to, newEpoch, reason, current -> to.inMigration() ? current.migration() : Optional.empty());
    }

    /** Source, freeze: RUNNING -> FROZEN, the row now naming {@code migrationId} as the vTPCM's current migration. */
    public Association beginMigration(UUID migrationId, UUID vtpcmId, String reason) {
        requireNonNull(migrationId, "migrationId is null");
        return move(vtpcmId, VtpcmState.RUNNING, VtpcmState.FROZEN, -1, reason, current -> {
            if (current.migration().isPresent()) {
                MigrationMismatchException.requireCurrent(current, migrationId);
            }
            return Optional.of(new MigrationBinding(migrationId, Optional.empty()));
        });
    }

    /**
     * A move of the vTPCM in its current migration, refused with {@link MigrationMismatchException}
     * (nothing changes) unless the row names {@code migrationId}. {@code destinationNode}, if given, is
     * recorded as where the state was sent; leaving the migration states clears the binding.
     */
    public Association transition(UUID migrationId, UUID vtpcmId, VtpcmState from, VtpcmState to, long newEpoch,
            Optional<String> destinationNode, String reason) {
        requireNonNull(migrationId, "migrationId is null");
        requireNonNull(destinationNode, "destinationNode is null");
        return move(vtpcmId, from, to, newEpoch, reason, current -> {
            MigrationBinding binding = MigrationMismatchException.requireCurrent(current, migrationId).migration().orElseThrow();
            return to.inMigration() ? Optional.of(new MigrationBinding(migrationId, destinationNode.or(binding::destinationNode)))
                    : Optional.empty();
        });
    }

    /** One compare-and-set move; {@code binding} sees the current row (and may refuse) and answers the row's new binding. */
    private Association move(UUID vtpcmId, VtpcmState from, VtpcmState to, long newEpoch, String reason,
            java.util.function.Function<Association, Optional<MigrationBinding>> binding) {
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        if (!from.canMoveTo(to)) {
            throw new IllegalTransitionException("vTPCM " + vtpcmId + ": " + from + " -> " + to + " is not allowed (from "
                    + from + " only " + from.next() + ")");
        }
        Instant now = clock.instant();
        Association updated = database.inTransaction(connection -> {
            Association current = find(connection, vtpcmId)
                    .orElseThrow(() -> new UnknownVtpcmException("no vTPCM " + vtpcmId + " on this node"));
            Optional<MigrationBinding> next = binding.apply(current);
            if (current.state() != from) {
                throw new IllegalTransitionException("vTPCM " + vtpcmId + " is " + current.state() + ", not " + from);
            }
            if (newEpoch >= 0 && newEpoch < current.epoch()) {
                throw new IllegalTransitionException("vTPCM " + vtpcmId + ": epoch may not go back from " + current.epoch()
                        + " to " + newEpoch);
            }
            long epoch = newEpoch >= 0 ? newEpoch : current.epoch();
            try (PreparedStatement update = connection.prepareStatement("UPDATE vtpcm SET state = ?, epoch = ?, updated_at = ?, "
                    + "migration_id = ?, migration_destination = ? WHERE vtpcm_id = ? AND state = ?")) {
                update.setString(1, to.name());
                update.setLong(2, epoch);
                update.setString(3, now.toString());
                update.setString(4, next.map(b -> b.migrationId().toString()).orElse(null));
                update.setString(5, next.flatMap(MigrationBinding::destinationNode).orElse(null));
                update.setString(6, vtpcmId.toString());
                update.setString(7, from.name());
                if (update.executeUpdate() != 1) {
                    throw new IllegalTransitionException("vTPCM " + vtpcmId + " changed concurrently");
                }
            }
            history(connection, vtpcmId, from, to, now, reason);
            return new Association(current.vtpcmId(), current.vmUuid(), current.vmName(), to, epoch, current.host(),
                    current.policy(), current.createdAt(), now, current.attention(), next);
        });
        LOG.info("vtpcm {} {} -> {} (epoch {}): {}", vtpcmId, from, to, updated.epoch(), reason);
        return updated;
    }

    /** Records (or clears, with empty) a finding an operator must look at; never changes state. */
    public void flag(UUID vtpcmId, Optional<String> attention) {
        database.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE vtpcm SET attention = ? WHERE vtpcm_id = ?")) {
                update.setString(1, attention.orElse(null));
                update.setString(2, vtpcmId.toString());
                if (update.executeUpdate() != 1) {
                    throw new UnknownVtpcmException("no vTPCM " + vtpcmId + " on this node");
                }
            }
            return null;
        });
        attention.ifPresent(text -> LOG.warn("vtpcm {} needs attention: {}", vtpcmId, text));
    }

    public Optional<Association> find(UUID vtpcmId) {
        return database.inTransaction(connection -> find(connection, vtpcmId));
    }

    /** The VM's live vTPCM on this node, or {@link UnknownVtpcmException}. */
    public Association live(UUID vmUuid) {
        return findLiveByVm(vmUuid).orElseThrow(() -> new UnknownVtpcmException("no VM " + vmUuid + " with a vTPCM on this node"));
    }

    /** The VM's live (not DESTROYED) vTPCM on this node, if any. */
    public Optional<Association> findLiveByVm(UUID vmUuid) {
        return database.inTransaction(connection -> findLiveByVm(connection, vmUuid));
    }

    /** Every row, newest first; DESTROYED rows only when asked. */
    public List<Association> list(boolean includeDestroyed) {
        return database.inTransaction(connection -> {
            String sql = "SELECT " + COLUMNS + " FROM vtpcm" + (includeDestroyed ? "" : " WHERE state <> 'DESTROYED'")
                    + " ORDER BY created_at DESC";
            List<Association> rows = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement(sql); ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.add(read(result));
                }
            }
            return List.copyOf(rows);
        });
    }

    /** The transition history of one vTPCM, oldest first, as "FROM -> TO: reason" lines. */
    public List<String> history(UUID vtpcmId) {
        return database.inTransaction(connection -> {
            List<String> lines = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT from_state, to_state, at, reason FROM vtpcm_transition WHERE vtpcm_id = ? ORDER BY id")) {
                query.setString(1, vtpcmId.toString());
                try (ResultSet result = query.executeQuery()) {
                    while (result.next()) {
                        lines.add(result.getString(3) + " " + (result.getString(1) == null ? "-" : result.getString(1)) + " -> "
                                + result.getString(2) + ": " + result.getString(4));
                    }
                }
            }
            return List.copyOf(lines);
        });
    }

    /**
     * Whether a DESTROYED row may come back as an incoming vTPCM at {@code epoch}. A vTPCM may come
     * back to a node it left, at a newer epoch only (an older state must never run again). An
     * incoming vTPCM that was aborted before it ever ran here (destroyed from MIGRATING_IN or
     * STAGED) held no state of that epoch, so a retried migration may prepare the same epoch again.
     */
    static boolean mayRevive(Association previous, Optional<VtpcmState> destroyedFrom, long epoch) {
        if (previous.state() != VtpcmState.DESTROYED) {
            return false;
        }
        boolean neverRanHere = destroyedFrom.filter(from -> from == VtpcmState.MIGRATING_IN || from == VtpcmState.STAGED).isPresent();
        return epoch > previous.epoch() || neverRanHere && epoch == previous.epoch();
    }

    private static Optional<VtpcmState> lastDestroyedFrom(Connection connection, UUID vtpcmId) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT from_state FROM vtpcm_transition WHERE vtpcm_id = ? "
                + "AND to_state = 'DESTROYED' ORDER BY id DESC LIMIT 1")) {
            query.setString(1, vtpcmId.toString());
            try (ResultSet result = query.executeQuery()) {
                return result.next() && result.getString(1) != null ? Optional.of(VtpcmState.valueOf(result.getString(1)))
                        : Optional.empty();
            }
        }
    }

    private static Optional<Association> find(Connection connection, UUID vtpcmId) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM vtpcm WHERE vtpcm_id = ?")) {
            query.setString(1, vtpcmId.toString());
            try (ResultSet result = query.executeQuery()) {
                return result.next() ? Optional.of(read(result)) : Optional.empty();
            }
        }
    }

    private static Optional<Association> findLiveByVm(Connection connection, UUID vmUuid) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM vtpcm WHERE vm_uuid = ? AND state <> 'DESTROYED'")) {
            query.setString(1, vmUuid.toString());
            try (ResultSet result = query.executeQuery()) {
                return result.next() ? Optional.of(read(result)) : Optional.empty();
            }
        }
    }

    private static void history(Connection connection, UUID vtpcmId, VtpcmState from, VtpcmState to, Instant at, String reason)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO vtpcm_transition (vtpcm_id, from_state, to_state, at, reason) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, vtpcmId.toString());
            insert.setString(2, from == null ? null : from.name());
            insert.setString(3, to.name());
            insert.setString(4, at.toString());
            insert.setString(5, reason == null ? "" : reason);
            insert.executeUpdate();
        }
    }

    private static Association read(ResultSet result) throws SQLException {
        Optional<String> destination = Optional.ofNullable(result.getString(12));
        Optional<MigrationBinding> migration = Optional.ofNullable(result.getString(11))
                .map(id -> new MigrationBinding(UUID.fromString(id), destination));
        return new Association(UUID.fromString(result.getString(1)), UUID.fromString(result.getString(2)), result.getString(3),
                VtpcmState.valueOf(result.getString(4)), result.getLong(5), result.getString(6),
                ControlPolicy.valueOf(result.getString(7)), Instant.parse(result.getString(8)),
                Instant.parse(result.getString(9)), Optional.ofNullable(result.getString(10)), migration);
    }
}
