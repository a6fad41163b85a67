package org.vtpcm.attestation;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The measurements a controller accepts: an immutable set of allowed (PCR, description, SHA-256
 * digest) triples, e.g. golden values taken from a known-good node with {@link #fromEvents(List)}.
 * A measurement is allowed only in the PCR it was registered for.
 */
public final class ReferenceValues {
    private record Entry(int pcr, String description, String sha256Hex) {
    }

    private final Set<Entry> allowed;

    private ReferenceValues(Set<Entry> allowed) {
        this.allowed = Set.copyOf(allowed);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Golden values: every (PCR, description, digest) that a known-good node logged. */
    public static ReferenceValues fromEvents(List<PlatformEvent> events) {
        Builder builder = builder();
        Objects.requireNonNull(events, "events").forEach(builder::allow);
        return builder.build();
    }

    public boolean allows(PlatformEvent event) {
        return event != null && allowed.contains(entry(event.pcr(), event.description(), event.sha256Digest()));
    }

    public int size() {
        return allowed.size();
    }

    /** The PCRs that at least one value is registered for. */
    public SortedSet<Integer> pcrs() {
        SortedSet<Integer> pcrs = new TreeSet<>();
        allowed.forEach(entry -> pcrs.add(entry.pcr()));
        return pcrs;
    }

    private static Entry entry(int pcr, String description, byte[] sha256Digest) {
        if (pcr < 0 || pcr > 23) {
            throw new IllegalArgumentException("PCR index must be 0..23, was " + pcr);
        }
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(sha256Digest, "sha256Digest");
        if (sha256Digest.length != PlatformEvent.SHA256_BYTES) {
            throw new IllegalArgumentException("SHA-256 digest must be 32 bytes, was " + sha256Digest.length);
        }
        return new Entry(pcr, description, HexFormat.of().formatHex(sha256Digest));
    }

    @Override
    public String toString() {
        return "ReferenceValues[" + allowed.size() + " allowed measurements in PCRs " + pcrs() + "]";
    }

    /** Collects allowed triples; not thread-safe, build() gives the immutable result. */
    public static final class Builder {
        private final Set<Entry> allowed = new HashSet<>();

        private Builder() {
        }

        public Builder allow(int pcr, String description, byte[] sha256Digest) {
            allowed.add(entry(pcr, description, sha256Digest));
            return this;
        }

        public Builder allow(PlatformEvent event) {
            Objects.requireNonNull(event, "event");
            return allow(event.pcr(), event.description(), event.sha256Digest());
        }

        public ReferenceValues build() {
            return new ReferenceValues(allowed);
        }
    }
}
