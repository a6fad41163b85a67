package org.vtpcm.engine.enrollment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.vtpcm.attestation.Challenge;
import org.vtpcm.attestation.enrollment.EnrollmentAuthority;
import org.vtpcm.protocol.pki.CloudCa;

/** Open challenges: bound to their token, answered once, short-lived, bounded in number. */
class PendingChallengesTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private final PendingChallenges challenges = new PendingChallenges();

    private static EnrollmentAuthority.PendingEnrollment pending() {
        return new EnrollmentAuthority.PendingEnrollment("vtpcm-n1", new byte[8], new byte[34], CloudCa.newTlsKeyPair().getPublic(),
                new Challenge(new byte[4], new byte[4]), new byte[32]);
    }

    @Test
    void aChallengeIsAnsweredOnceWithItsOwnToken() {
        PendingChallenges.Open open = challenges.open("aaaaaaaaaaaa", pending(), NOW);
        assertTrue(open.id().matches("[0-9a-f]{32}"));
        assertEquals(NOW.plus(PendingChallenges.LIFETIME), open.expiresAt());
        assertTrue(challenges.take(open.id(), "bbbbbbbbbbbb", NOW).isEmpty(), "another token cannot answer it");
        assertTrue(challenges.take(open.id(), "aaaaaaaaaaaa", NOW).isPresent(), "nor take it away from its own");
        assertTrue(challenges.take(open.id(), "aaaaaaaaaaaa", NOW).isEmpty(), "once");
    }

    @Test
    void aChallengeExpires() {
        PendingChallenges.Open open = challenges.open("aaaaaaaaaaaa", pending(), NOW);
        assertTrue(challenges.take(open.id(), "aaaaaaaaaaaa", NOW.plus(PendingChallenges.LIFETIME)).isEmpty());
        assertEquals(0, challenges.size());
    }

    @Test
    void aNewChallengeReplacesTheTokensEarlierOne() {
        PendingChallenges.Open first = challenges.open("aaaaaaaaaaaa", pending(), NOW);
        PendingChallenges.Open second = challenges.open("aaaaaaaaaaaa", pending(), NOW.plusSeconds(1));
        assertTrue(challenges.take(first.id(), "aaaaaaaaaaaa", NOW.plusSeconds(2)).isEmpty());
        assertTrue(challenges.take(second.id(), "aaaaaaaaaaaa", NOW.plusSeconds(2)).isPresent());
    }

    @Test
    void theNumberOfOpenChallengesIsBounded() {
        for (int token = 0; token < PendingChallenges.MAX_OPEN; token++) {
            challenges.open(String.format("%012x", token), pending(), NOW);
        }
        EnrollmentRefusal refusal = assertThrows(EnrollmentRefusal.class, () -> challenges.open("ffffffffffff", pending(), NOW));
        assertEquals(429, refusal.status());
        // expired ones make room again
        challenges.open("ffffffffffff", pending(), NOW.plus(PendingChallenges.LIFETIME).plus(Duration.ofSeconds(1)));
        assertEquals(1, challenges.size());
    }
}
