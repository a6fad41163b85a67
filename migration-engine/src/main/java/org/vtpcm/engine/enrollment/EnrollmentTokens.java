package org.vtpcm.engine.enrollment;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.protocol.store.SqliteDatabase;

/**
 * One-time node enrollment tokens in the engine's database: issued by an operator for one node,
 * stored only as the SHA-256 of the token, valid until they expire, are used once or are revoked.
 */
public final class EnrollmentTokens {
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(15);
    public static final Duration MIN_TTL = Duration.ofMinutes(1);
    public static final Duration MAX_TTL = Duration.ofHours(24);
    private static final Logger LOG = LoggerFactory.getLogger(EnrollmentTokens.class);

    private final SqliteDatabase database;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    @Inject
    public EnrollmentTokens(SqliteDatabase database, Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Outcome of a revocation. */
    public enum Revocation { REVOKED, ALREADY_USED, UNKNOWN }

    /**
     * A new token for {@code node}, valid for {@code ttl}.
     *
     * @throws IllegalArgumentException if {@code ttl} is outside {@link #MIN_TTL}..{@link #MAX_TTL}
     */
    public IssuedToken issue(String node, Duration ttl, String createdBy) {
        requireNonNull(node, "node is null");
        requireNonNull(ttl, "ttl is null");
        if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttlSeconds must be " + MIN_TTL.toSeconds() + ".." + MAX_TTL.toSeconds());
        }
        TokenFormat.Generated generated = TokenFormat.generate(random);
        Instant now = clock.instant();
        Instant expires = now.plus(ttl);
        database.inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO enrollment_token (id, node, token_sha256, "
                    + "created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, generated.id());
                insert.setString(2, node);
                insert.setString(3, HexFormat.of().formatHex(TokenFormat.sha256(generated.token())));
                insert.setString(4, now.toString());
                insert.setString(5, createdBy == null ? "" : createdBy);
                insert.setString(6, expires.toString());
                insert.executeUpdate();
            }
            return null;
        });
        LOG.info("enrollment token {} issued for node {} by {}, expires {}", generated.id(), node, createdBy, expires);
        return new IssuedToken(generated.id(), node, generated.token(), now, expires);
    }

    /** Every token, newest first. */
    public List<EnrollmentToken> list() {
        Instant now = clock.instant();
        return database.inTransaction(connection -> {
            List<EnrollmentToken> tokens = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT * FROM enrollment_token ORDER BY rowid DESC");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    tokens.add(read(rows, now));
                }
            }
            return tokens;
        });
    }

    public Optional<EnrollmentToken> find(String id) {
        Instant now = clock.instant();
        return database.inTransaction(connection -> row(connection, id, now));
    }

    /** Revokes an unused token; a revoked or expired one stays so. */
    public Revocation revoke(String id, String revokedBy) {
        Instant now = clock.instant();
        Revocation result = database.inTransaction(connection -> {
            Optional<EnrollmentToken> token = row(connection, id, now);
            if (token.isEmpty()) {
                return Revocation.UNKNOWN;
            }
            if (token.get().state() == EnrollmentToken.State.USED) {
                return Revocation.ALREADY_USED;
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE enrollment_token SET revoked_at = ?, revoked_by = ? "
                    + "WHERE id = ? AND revoked_at IS NULL")) {
                update.setString(1, now.toString());
                update.setString(2, revokedBy == null ? "" : revokedBy);
                update.setString(3, id);
                update.executeUpdate();
            }
            return Revocation.REVOKED;
        });
        if (result == Revocation.REVOKED) {
            LOG.info("enrollment token {} revoked by {}", id, revokedBy);
        }
        return result;
    }

    /**
     * The token {@code presented} is, if it authenticates and may still be used. The stored digest
     * is compared in constant time; the id only finds the row.
     *
     * @throws EnrollmentRefusal 401 {@code INVALID_TOKEN} or {@code TOKEN_EXPIRED}, 403 {@code TOKEN_USED} or {@code TOKEN_REVOKED}
     */
    public EnrollmentToken authenticate(String presented) {
        Optional<String> id = TokenFormat.id(presented);
        if (id.isEmpty()) {
            throw invalid();
        }
        Instant now = clock.instant();
        Optional<String> digest = database.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT token_sha256 FROM enrollment_token WHERE id = ?")) {
                select.setString(1, id.get());
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(row.getString(1)) : Optional.<String>empty();
                }
            }
        });
        if (digest.isEmpty() || !MessageDigest.isEqual(TokenFormat.sha256(presented), HexFormat.of().parseHex(digest.get()))) {
            throw invalid();
        }
        EnrollmentToken token = find(id.get()).orElseThrow(EnrollmentTokens::invalid);
        return switch (token.state()) {
            case ACTIVE -> token;
            case USED -> throw new EnrollmentRefusal(403, "TOKEN_USED", "enrollment token " + token.id() + " was already used ("
                    + token.outcome() + " at " + token.usedAt() + "); issue a new one");
            case REVOKED -> throw new EnrollmentRefusal(403, "TOKEN_REVOKED", "enrollment token " + token.id() + " was revoked");
            case EXPIRED -> throw new EnrollmentRefusal(401, "TOKEN_EXPIRED", "enrollment token " + token.id() + " expired at "
                    + token.expiresAt() + "; issue a new one");
        };
    }

    /** Marks an active token used with {@code outcome}; false if it was used, revoked or expired meanwhile. */
    public boolean consume(String id, String outcome) {
        Instant now = clock.instant();
        // one transaction on the database's one connection: nothing can use the token between the check and the update
        return database.inTransaction(connection -> {
            Optional<EnrollmentToken> token = row(connection, id, now);
            if (token.isEmpty() || token.get().state() != EnrollmentToken.State.ACTIVE) {
                return false;
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE enrollment_token SET used_at = ?, outcome = ? "
                    + "WHERE id = ? AND used_at IS NULL")) {
                update.setString(1, now.toString());
                update.setString(2, outcome);
                update.setString(3, id);
                return update.executeUpdate() == 1;
            }
        });
    }

    private static EnrollmentRefusal invalid() {
        return new EnrollmentRefusal(401, "INVALID_TOKEN", "the enrollment token is not valid");
    }

    private static Optional<EnrollmentToken> row(Connection connection, String id, Instant now) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT * FROM enrollment_token WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(read(row, now)) : Optional.empty();
            }
        }
    }

    private static EnrollmentToken read(ResultSet row, Instant now) throws SQLException {
        Instant expires = Instant.parse(row.getString("expires_at"));
        Instant used = instant(row.getString("used_at"));
        Instant revoked = instant(row.getString("revoked_at"));
        EnrollmentToken.State state = used != null ? EnrollmentToken.State.USED : revoked != null ? EnrollmentToken.State.REVOKED
                : now.isBefore(expires) ? EnrollmentToken.State.ACTIVE : EnrollmentToken.State.EXPIRED;
        return new EnrollmentToken(row.getString("id"), row.getString("node"), Instant.parse(row.getString("created_at")),
                row.getString("created_by"), expires, state, used, row.getString("outcome"), revoked, row.getString("revoked_by"));
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }
}
