package org.vtpcm.tests.security;

import static java.util.Objects.requireNonNull;

/**
 * One attack tried against the running lab, as {@code docs/security/attack-matrix.json} records it.
 *
 * @param id short stable name
 * @param category authz, replay, clone, tamper, revocation, injection, dos or secrets
 * @param attacker which identity attacked (its role and name)
 * @param request what it sent, to whom
 * @param expected what a secure system answers
 * @param observed what the lab answered
 * @param passed whether the observed answer is the expected one
 */
public record AttackCase(String id, String category, String attacker, String request, String expected, String observed,
        boolean passed) {
    public AttackCase {
        requireNonNull(id, "id is null");
        requireNonNull(category, "category is null");
        requireNonNull(attacker, "attacker is null");
        requireNonNull(request, "request is null");
        requireNonNull(expected, "expected is null");
        requireNonNull(observed, "observed is null");
    }
}
