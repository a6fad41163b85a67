package org.vtpcm.engine.enrollment;

import org.vtpcm.protocol.time.ManualClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.engine.journal.EngineSchema;
import org.vtpcm.protocol.store.SqliteDatabase;

/** The token store: hashed at rest, single use, expiring, revocable. */
class EnrollmentTokensTest {
    @TempDir
    Path folder;
    private SqliteDatabase database;
    private ManualClock clock;
    private EnrollmentTokens tokens;

    @BeforeEach
    void open() {
        database = SqliteDatabase.open(folder.resolve("engine.db"), EngineSchema.VERSION, EngineSchema.DDL);
        clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
        tokens = new EnrollmentTokens(database, clock);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aTokenIsStoredOnlyAsItsDigest() throws Exception {
        IssuedToken issued = tokens.issue("vtpcm-n1", Duration.ofMinutes(15), "operator");
        assertTrue(issued.token().matches("vtpcm1\\.[0-9a-f]{12}\\.[A-Za-z0-9_-]{43}"), issued.token());
        assertTrue(issued.token().startsWith("vtpcm1." + issued.id() + "."));
        assertFalse(issued.toString().contains(issued.token()), "toString hides the token");
        String secret = issued.token().substring(issued.token().lastIndexOf('.') + 1);
        List<String> stored = new ArrayList<>();
        database.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT * FROM enrollment_token");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    for (int column = 1; column <= rows.getMetaData().getColumnCount(); column++) {
                        stored.add(String.valueOf(rows.getString(column)));
                    }
                }
            }
            return null;
        });
        assertTrue(stored.contains(HexFormat.of().formatHex(TokenFormat.sha256(issued.token()))), stored.toString());
        assertTrue(stored.stream().noneMatch(value -> value.contains(secret)), "the secret is not stored: " + stored);
        assertEquals(Instant.parse("2026-03-01T10:15:00Z"), issued.expiresAt());
    }

    @Test
    void anActiveTokenAuthenticatesForItsNode() {
        IssuedToken issued = tokens.issue("vtpcm-n1", Duration.ofMinutes(15), "operator");
        EnrollmentToken token = tokens.authenticate(issued.token());
        assertEquals("vtpcm-n1", token.node());
        assertEquals(issued.id(), token.id());
        assertEquals(EnrollmentToken.State.ACTIVE, token.state());
        assertEquals("operator", token.createdBy());
    }

    @Test
    void aWrongSecretOrAMalformedTokenIsInvalid() {
        IssuedToken issued = tokens.issue("vtpcm-n1", Duration.ofMinutes(15), "operator");
        String forged = issued.token().substring(0, issued.token().length() - 1) + (issued.token().endsWith("A") ? "B" : "A");
        for (String bad : new String[] {forged, "vtpcm1.000000000000." + "A".repeat(43), "garbage", "", null}) {
            EnrollmentRefusal refusal = assertThrows(EnrollmentRefusal.class, () -> tokens.authenticate(bad));
            assertEquals(401, refusal.status());
            assertEquals("INVALID_TOKEN", refusal.code());
        }
        assertEquals(EnrollmentToken.State.ACTIVE, tokens.authenticate(issued.token()).state(), "failed attempts do not spend it");
    }

    @Test
    void aTokenExpires() {
        IssuedToken issued = tokens.issue("vtpcm-n1", Duration.ofMinutes(15), "operator");
        clock.advance(Duration.ofMinutes(15));
        EnrollmentRefusal refusal = assertThrows(EnrollmentRefusal.class, () -> tokens.authenticate(issued.token()));
        assertEquals(401, refusal.status());
        assertEquals("TOKEN_EXPIRED", refusal.code());
        assertFalse(tokens.consume(issued.id(), "ENROLLED"), "an expired token cannot be spent");
        assertEquals(EnrollmentToken.State.EXPIRED, tokens.list().get(0).state());
    }

    @Test
    void aTokenIsUsedOnce() {
        IssuedToken issued = tokens.issue("vtpcm-n1", Duration.ofMinutes(15), "operator");
        assertTrue(tokens.consume(issued.id(), "ENROLLED"));
        assertFalse(tokens.consume(issued.id(), "ENROLLED"));
        EnrollmentRefusal refusal = assertThrows(EnrollmentRefusal.class, () -> tokens.authenticate(issued.token()));
        assertEquals(403, refusal.status());
        assertEquals("TOKEN_USED", refusal.code());
        EnrollmentToken listed = tokens.find(issued.id()).orElseThrow();
        assertEquals(EnrollmentToken.State.USED, listed.state());
        assertEquals("ENROLLED", listed.outcome());
        assertEquals(clock.instant(), listed.usedAt());
        assertEquals(EnrollmentTokens.Revocation.ALREADY_USED, tokens.revoke(issued.id(), "operator"));
    }

    @Test
    void aRevokedTokenIsRefused() {
        IssuedToken issued = tokens.issue("vtpcm-n1", Duration.ofMinutes(15), "operator");
        assertEquals(EnrollmentTokens.Revocation.REVOKED, tokens.revoke(issued.id(), "admin"));
        assertEquals(EnrollmentTokens.Revocation.REVOKED, tokens.revoke(issued.id(), "admin"), "revoking again changes nothing");
        EnrollmentRefusal refusal = assertThrows(EnrollmentRefusal.class, () -> tokens.authenticate(issued.token()));
        assertEquals(403, refusal.status());
        assertEquals("TOKEN_REVOKED", refusal.code());
        assertFalse(tokens.consume(issued.id(), "ENROLLED"));
        EnrollmentToken listed = tokens.find(issued.id()).orElseThrow();
        assertEquals(EnrollmentToken.State.REVOKED, listed.state());
        assertEquals("admin", listed.revokedBy());
        assertEquals(EnrollmentTokens.Revocation.UNKNOWN, tokens.revoke("0123456789ab", "admin"));
    }

    @Test
    void lifetimesAreBounded() {
        for (Duration ttl : List.of(Duration.ofSeconds(59), Duration.ofHours(24).plusSeconds(1), Duration.ZERO, Duration.ofSeconds(-5))) {
            assertThrows(IllegalArgumentException.class, () -> tokens.issue("vtpcm-n1", ttl, "operator"), ttl.toString());
        }
        tokens.issue("vtpcm-n1", Duration.ofMinutes(1), "operator");
        tokens.issue("vtpcm-n1", Duration.ofHours(24), "operator");
    }

    @Test
    void theListIsNewestFirstAndTokensAreDistinct() {
        IssuedToken first = tokens.issue("vtpcm-n1", Duration.ofMinutes(15), "operator");
        IssuedToken second = tokens.issue("vtpcm-n1", Duration.ofMinutes(15), "operator");
        assertNotEquals(first.token(), second.token());
        assertEquals(List.of(second.id(), first.id()), tokens.list().stream().map(EnrollmentToken::id).toList());
    }

    @Test
    void tokensSurviveARestart() {
        IssuedToken issued = tokens.issue("vtpcm-n1", Duration.ofMinutes(15), "operator");
        database.close();
        database = SqliteDatabase.open(folder.resolve("engine.db"), EngineSchema.VERSION, EngineSchema.DDL);
        tokens = new EnrollmentTokens(database, clock);
        assertEquals("vtpcm-n1", tokens.authenticate(issued.token()).node());
    }
}
