package org.vtpcm.attestation;

import java.util.Arrays;
import java.util.Objects;

/**
 * One measurement of the node's measured start: what was measured and the SHA-256 digest that was
 * extended into which PCR.
 */
public record PlatformEvent(int pcr, String description, byte[] sha256Digest) {
    public static final int SHA256_BYTES = 32;

    public PlatformEvent {
        if (pcr < 0 || pcr > 23) {
            throw new IllegalArgumentException("PCR index must be 0..23, was " + pcr);
        }
        Objects.requireNonNull(description, "description");
        sha256Digest = Objects.requireNonNull(sha256Digest, "sha256Digest").clone();
        if (sha256Digest.length != SHA256_BYTES) {
            throw new IllegalArgumentException("SHA-256 digest must be 32 bytes, was " + sha256Digest.length);
        }
    }

    @Override
    public byte[] sha256Digest() {
        return sha256Digest.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PlatformEvent that && pcr == that.pcr && description.equals(that.description)
                && Arrays.equals(sha256Digest, that.sha256Digest);
    }

    @Override
    public int hashCode() {
        return Objects.hash(pcr, description, Arrays.hashCode(sha256Digest));
    }

    @Override
    public String toString() {
        return "PlatformEvent[pcr=" + pcr + ", description=" + description + ", sha256=" + Hex.of(sha256Digest) + "]";
    }
}
