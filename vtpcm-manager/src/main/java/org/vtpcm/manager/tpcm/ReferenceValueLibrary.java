package org.vtpcm.manager.tpcm;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.manager.association.UnknownVtpcmException;
import org.vtpcm.protocol.store.SqliteDatabase;
import org.vtpcm.protocol.crypto.CryptoSuite;

/** The node's library of known-good boot artifact digests: register, list, revoke, look up. */
public final class ReferenceValueLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(ReferenceValueLibrary.class);
    private static final Pattern HEX_DIGEST = Pattern.compile("[0-9a-f]{64}");
    private static final int MAX_LABEL = 200;

    private final SqliteDatabase database;
    private final CryptoSuite suite;
    private final Clock clock;

    @Inject
    public ReferenceValueLibrary(SqliteDatabase database, CryptoSuite suite, Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.suite = requireNonNull(suite, "suite is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public ReferenceValue register(ArtifactKind kind, String digest, String label) {
        requireNonNull(kind, "kind is null");
        String normalized = digest == null ? "" : digest.trim().toLowerCase(Locale.ROOT);
        if (!HEX_DIGEST.matcher(normalized).matches()) {
            throw new IllegalArgumentException("digest must be 64 hex characters (" + suite.digestAlgorithm() + ")");
        }
        String safeLabel = label == null ? "" : label.strip();
        if (safeLabel.length() > MAX_LABEL || safeLabel.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("label must be at most " + MAX_LABEL + " printable characters");
        }
        ReferenceValue value = new ReferenceValue(UUID.randomUUID(), kind, normalized, suite.name().name(), safeLabel,
                clock.instant(), Optional.empty());
        database.inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO reference_value "
                    + "(id, kind, digest, suite, label, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, NULL)")) {
                insert.setString(1, value.id().toString());
                insert.setString(2, kind.name());
                insert.setString(3, normalized);
                insert.setString(4, value.suite());
                insert.setString(5, safeLabel);
                insert.setString(6, value.createdAt().toString());
                insert.executeUpdate();
            }
            return null;
        });
        LOG.info("reference value {} registered: {} {}", value.id(), kind.text(), normalized);
        return value;
    }

    public List<ReferenceValue> list(boolean includeRevoked) {
        return database.inTransaction(connection -> {
            List<ReferenceValue> values = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement("SELECT id, kind, digest, suite, label, created_at, revoked_at "
                    + "FROM reference_value" + (includeRevoked ? "" : " WHERE revoked_at IS NULL") + " ORDER BY created_at");
                    ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    values.add(new ReferenceValue(UUID.fromString(result.getString(1)), ArtifactKind.valueOf(result.getString(2)),
                            result.getString(3), result.getString(4), result.getString(5), Instant.parse(result.getString(6)),
                            Optional.ofNullable(result.getString(7)).map(Instant::parse)));
                }
            }
            return List.copyOf(values);
        });
    }

    /** Revokes a reference value; it stays listed (with its revocation time) for the audit trail. */
    public void revoke(UUID id) {
        Instant now = clock.instant();
        database.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE reference_value SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
                update.setString(1, now.toString());
                update.setString(2, id.toString());
                if (update.executeUpdate() != 1) {
                    throw new UnknownVtpcmException("no active reference value " + id);
                }
            }
            return null;
        });
        LOG.info("reference value {} revoked", id);
    }

    /** Whether an active reference value of this kind and suite has this digest. */
    public boolean trusts(ArtifactKind kind, String digest) {
        return list(false).stream().anyMatch(value -> value.kind() == kind && value.digest().equals(digest)
                && value.suite().equals(suite.name().name()));
    }

    /** Whether any active reference value of this kind exists (then that kind is enforced). */
    public boolean hasAny(ArtifactKind kind) {
        return list(false).stream().anyMatch(value -> value.kind() == kind && value.suite().equals(suite.name().name()));
    }
}
