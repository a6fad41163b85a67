package org.vtpcm.engine.certificates;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One certificate the engine's cloud CA issued, as the registry keeps and the API lists it.
 *
 * @param serial the serial number in lower-case hex, without leading zeros
 * @param subject the certificate's common name
 * @param role the {@link org.vtpcm.protocol.pki.Role} label of a TLS identity, or {@link #ATTESTATION_KEY}
 * @param node the compute node the certificate belongs to (its node-manager, node-qemu and AK certificates, its
 *        {@code nova-compute.<node>} identity); null for the engine's and operators' identities
 * @param revokedAt null while not revoked
 * @param state {@code VALID}, {@code EXPIRED} or {@code REVOKED} when read
 */
public record CertificateRecord(String serial, String subject, String role, String node, Instant issuedAt, Instant notAfter,
        Instant revokedAt, String revocationReason, String revokedBy, State state) {
    /** The role label of a TPM attestation key's certificate (it carries no TLS role). */
    public static final String ATTESTATION_KEY = "attestation-key";

    public CertificateRecord {
        requireNonNull(serial, "serial is null");
        requireNonNull(subject, "subject is null");
        requireNonNull(role, "role is null");
        requireNonNull(issuedAt, "issuedAt is null");
        requireNonNull(notAfter, "notAfter is null");
        requireNonNull(state, "state is null");
    }

    /** Where a certificate stands. */
    public enum State { VALID, EXPIRED, REVOKED }
}
