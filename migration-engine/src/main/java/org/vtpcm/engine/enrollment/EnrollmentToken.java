package org.vtpcm.engine.enrollment;

import java.time.Instant;

/**
 * A token as the engine lists it: never its secret.
 *
 * @param state {@code ACTIVE}, {@code USED}, {@code EXPIRED} or {@code REVOKED}
 * @param outcome for a used token: {@code ENROLLED}, {@code RE_ENROLLED} or {@code PROOF_FAILED}
 */
public record EnrollmentToken(String id, String node, Instant createdAt, String createdBy, Instant expiresAt, State state,
        Instant usedAt, String outcome, Instant revokedAt, String revokedBy) {

    /** Where a token stands. */
    public enum State { ACTIVE, USED, EXPIRED, REVOKED }
}
