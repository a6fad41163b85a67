package org.vtpcm.engine.enrollment;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.vtpcm.attestation.enrollment.EnrollmentAuthority;

/**
 * The credential challenges waiting for their answer, in memory: each bound to the token that asked
 * for it, answerable once and for {@link #LIFETIME}. A token has at most one open challenge (asking
 * again replaces it, so a node can retry after a lost answer).
 */
public final class PendingChallenges {
    public static final Duration LIFETIME = Duration.ofMinutes(2);
    /** Only holders of valid tokens open challenges; this bounds the memory even so. */
    static final int MAX_OPEN = 256;

    private final Map<String, Open> open = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /** A challenge waiting for its answer. */
    public record Open(String id, String tokenId, EnrollmentAuthority.PendingEnrollment enrollment, Instant expiresAt) {
        public Open {
            requireNonNull(id, "id is null");
            requireNonNull(tokenId, "tokenId is null");
            requireNonNull(enrollment, "enrollment is null");
            requireNonNull(expiresAt, "expiresAt is null");
        }
    }

    /**
     * Opens a challenge for the token, replacing the token's earlier one.
     *
     * @throws EnrollmentRefusal 429 {@code TOO_MANY_CHALLENGES} when {@link #MAX_OPEN} are open
     */
    public synchronized Open open(String tokenId, EnrollmentAuthority.PendingEnrollment enrollment, Instant now) {
        purge(now);
        open.values().removeIf(challenge -> challenge.tokenId().equals(tokenId));
        if (open.size() >= MAX_OPEN) {
            throw new EnrollmentRefusal(429, "TOO_MANY_CHALLENGES", "too many enrollments are under way; try again in a minute");
        }
        byte[] id = new byte[16];
        random.nextBytes(id);
        Open challenge = new Open(HexFormat.of().formatHex(id), tokenId, enrollment, now.plus(LIFETIME));
        open.put(challenge.id(), challenge);
        return challenge;
    }

    /** Removes and answers the challenge if it is open and was opened with this token; else leaves everything as it was. */
    public synchronized Optional<Open> take(String id, String tokenId, Instant now) {
        purge(now);
        Open challenge = open.get(id);
        if (challenge == null || !challenge.tokenId().equals(tokenId)) {
            return Optional.empty();
        }
        open.remove(id);
        return Optional.of(challenge);
    }

    synchronized int size() {
        return open.size();
    }

    private void purge(Instant now) {
        for (Iterator<Open> challenges = open.values().iterator(); challenges.hasNext();) {
            if (!now.isBefore(challenges.next().expiresAt())) {
                challenges.remove();
            }
        }
    }
}
