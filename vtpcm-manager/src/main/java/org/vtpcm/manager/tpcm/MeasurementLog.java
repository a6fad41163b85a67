package org.vtpcm.manager.tpcm;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.vtpcm.protocol.store.SqliteDatabase;
import org.vtpcm.protocol.crypto.CryptoSuite;

/**
 * Per-vTPCM signed, hash-chained, append-only measurement log in the node database (UPDATE and
 * DELETE are refused by triggers).
 */
public final class MeasurementLog {
    private static final HexFormat HEX = HexFormat.of();

    private final SqliteDatabase database;
    private final CryptoSuite suite;
    private final Clock clock;

    @Inject
    public MeasurementLog(SqliteDatabase database, CryptoSuite suite, Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.suite = requireNonNull(suite, "suite is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Appends an entry signed with the vTPCM's identity key. */
    public LogEntry append(UUID vtpcmId, PrivateKey identity, String event, String target, String digest, String verdict,
            String detail) {
        requireNonNull(identity, "identity is null");
        return database.inTransaction(connection -> {
            long seq = 1;
            String previous = genesis(vtpcmId);
            try (PreparedStatement last = connection.prepareStatement(
                    "SELECT seq, entry_hash FROM measurement_log WHERE vtpcm_id = ? ORDER BY seq DESC LIMIT 1")) {
                last.setString(1, vtpcmId.toString());
                try (ResultSet result = last.executeQuery()) {
                    if (result.next()) {
                        seq = result.getLong(1) + 1;
                        previous = result.getString(2);
                    }
                }
            }
            Instant now = clock.instant();
            LogEntry unsigned = new LogEntry(seq, now, event, target, digest, verdict, detail, previous, "", "");
            byte[] hash = entryHash(previous, unsigned);
            LogEntry entry = new LogEntry(seq, now, event, target, digest, verdict, detail, previous, HEX.formatHex(hash),
                    HEX.formatHex(suite.sign(identity, hash)));
            insert(connection, vtpcmId, entry);
            return entry;
        });
    }

    /**
     * Takes over a log that arrived with a migrated vTPCM (the caller has verified it with the
     * vTPCM's identity key). If the vTPCM lived here before, what this node kept must be exactly the
     * start of the arriving log; only the new entries are added.
     */
    public void importEntries(UUID vtpcmId, List<LogEntry> entries) {
        List<LogEntry> kept = entries(vtpcmId);
        if (kept.size() > entries.size()) {
            throw new org.vtpcm.manager.association.IllegalTransitionException("the arriving measurement log of vTPCM " + vtpcmId
                    + " is shorter than the one this node kept");
        }
        for (int i = 0; i < kept.size(); i++) {
            if (!kept.get(i).entryHash().equals(entries.get(i).entryHash())) {
                throw new org.vtpcm.manager.association.IllegalTransitionException("the arriving measurement log of vTPCM " + vtpcmId
                        + " differs from the one this node kept at entry " + kept.get(i).seq());
            }
        }
        database.inTransaction(connection -> {
            for (LogEntry entry : entries.subList(kept.size(), entries.size())) {
                insert(connection, vtpcmId, entry);
            }
            return null;
        });
    }

    private static void insert(java.sql.Connection connection, UUID vtpcmId, LogEntry entry) throws java.sql.SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO measurement_log (vtpcm_id, seq, at, event, "
                + "target, digest, verdict, detail, previous_hash, entry_hash, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, vtpcmId.toString());
            insert.setLong(2, entry.seq());
            insert.setString(3, entry.at().toString());
            insert.setString(4, entry.event());
            insert.setString(5, entry.target());
            insert.setString(6, entry.digest());
            insert.setString(7, entry.verdict());
            insert.setString(8, entry.detail());
            insert.setString(9, entry.previousHash());
            insert.setString(10, entry.entryHash());
            insert.setString(11, entry.signature());
            insert.executeUpdate();
        }
    }

    public List<LogEntry> entries(UUID vtpcmId) {
        return database.inTransaction(connection -> {
            List<LogEntry> entries = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement("SELECT seq, at, event, target, digest, verdict, detail, "
                    + "previous_hash, entry_hash, signature FROM measurement_log WHERE vtpcm_id = ? ORDER BY seq")) {
                query.setString(1, vtpcmId.toString());
                try (ResultSet result = query.executeQuery()) {
                    while (result.next()) {
                        entries.add(new LogEntry(result.getLong(1), Instant.parse(result.getString(2)), result.getString(3),
                                result.getString(4), result.getString(5), result.getString(6), result.getString(7),
                                result.getString(8), result.getString(9), result.getString(10)));
                    }
                }
            }
            return List.copyOf(entries);
        });
    }

    /** Checks numbering, chaining and every signature; returns the problems found (none = valid). */
    public List<String> verify(UUID vtpcmId, List<LogEntry> entries, PublicKey identity) {
        List<String> problems = new ArrayList<>();
        String previous = genesis(vtpcmId);
        long expectedSeq = 1;
        for (LogEntry entry : entries) {
            if (entry.seq() != expectedSeq) {
                problems.add("entry " + entry.seq() + ": expected seq " + expectedSeq);
            }
            if (!entry.previousHash().equals(previous)) {
                problems.add("entry " + entry.seq() + ": does not chain to the previous entry");
            }
            byte[] hash = entryHash(entry.previousHash(), entry);
            if (!HEX.formatHex(hash).equals(entry.entryHash())) {
                problems.add("entry " + entry.seq() + ": content does not match its hash");
            }
            try {
                if (!suite.verify(identity, hash, HEX.parseHex(entry.signature()))) {
                    problems.add("entry " + entry.seq() + ": bad signature");
                }
            } catch (IllegalArgumentException e) {
                problems.add("entry " + entry.seq() + ": malformed signature");
            }
            previous = entry.entryHash();
            expectedSeq = entry.seq() + 1;
        }
        return List.copyOf(problems);
    }

    private String genesis(UUID vtpcmId) {
        return HEX.formatHex(suite.digest(("vtpcm-measurement-log:" + vtpcmId).getBytes(StandardCharsets.UTF_8)));
    }

    private byte[] entryHash(String previousHash, LogEntry entry) {
        byte[] previous = previousHash.getBytes(StandardCharsets.US_ASCII);
        byte[] body = entry.canonical().getBytes(StandardCharsets.UTF_8);
        byte[] joined = new byte[previous.length + 1 + body.length];
        System.arraycopy(previous, 0, joined, 0, previous.length);
        joined[previous.length] = '\n';
        System.arraycopy(body, 0, joined, previous.length + 1, body.length);
        return suite.digest(joined);
    }
}
