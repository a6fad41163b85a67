package org.vtpcm.engine.attestation;

import java.time.Instant;

/**
 * One allowed measurement of a node's platform: a PCR, what was measured, its SHA-256, and where it
 * applies: {@code global} (every host), {@code class:<class>} or {@code host:<name>}.
 */
public record ReferenceValue(long id, int pcr, String description, String digest, String label, Instant addedAt, String scope) {
}
