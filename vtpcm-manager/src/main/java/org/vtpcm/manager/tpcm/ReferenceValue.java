package org.vtpcm.manager.tpcm;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A known-good digest of a boot artifact.
 *
 * @param id its id
 * @param kind which kind of artifact
 * @param digest lower-case hex digest in the node's suite (SM3 or SHA-256)
 * @param suite the suite the digest was taken with ("SM" or "NIST")
 * @param label operator's note (e.g. "debian cloud kernel 6.1.0-56")
 * @param createdAt when registered
 * @param revokedAt when revoked, if it was
 */
public record ReferenceValue(UUID id, ArtifactKind kind, String digest, String suite, String label, Instant createdAt,
        Optional<Instant> revokedAt) {
    public ReferenceValue {
        requireNonNull(id, "id is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(digest, "digest is null");
        requireNonNull(suite, "suite is null");
        requireNonNull(label, "label is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(revokedAt, "revokedAt is null");
    }
}
