package org.vtpcm.engine.enrollment;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** A token just issued: the only time its secret exists outside the operator's hands. Never printed by {@link #toString}. */
public record IssuedToken(String id, String node, String token, Instant createdAt, Instant expiresAt) {
    public IssuedToken {
        requireNonNull(id, "id is null");
        requireNonNull(node, "node is null");
        requireNonNull(token, "token is null");
    }

    @Override
    public String toString() {
        return "IssuedToken[id=" + id + ", node=" + node + ", expiresAt=" + expiresAt + "]";
    }
}
