package org.vtpcm.manager.tpcm;

import static java.util.Objects.requireNonNull;

/**
 * One measured boot artifact.
 *
 * @param kind artifact kind
 * @param target what was measured (a path, or "domain")
 * @param digest hex digest, empty if the artifact could not be read
 * @param trusted whether a reference value matches
 * @param required whether a mismatch counts against starting the VM
 * @param note why it is not trusted, empty when trusted
 */
public record ArtifactMeasurement(ArtifactKind kind, String target, String digest, boolean trusted, boolean required, String note) {
    public ArtifactMeasurement {
        requireNonNull(kind, "kind is null");
        requireNonNull(target, "target is null");
        requireNonNull(digest, "digest is null");
        requireNonNull(note, "note is null");
    }
}
