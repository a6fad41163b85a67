package org.vtpcm.manager.node;

import org.vtpcm.attestation.enrollment.EnrollmentException;

import org.vtpcm.attestation.enrollment.EnrollmentAuthority;
import org.vtpcm.attestation.enrollment.CertifiedNode;

import static java.util.Objects.requireNonNull;

import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Enrollment with the cloud CA in this process ({@code vtpcm-manager enroll --ca-dir}: the CA folder is in reach). */
public final class LocalEnrollment implements EnrollmentChannel {
    private final EnrollmentAuthority authority;
    private final Map<String, EnrollmentAuthority.PendingEnrollment> pending = new ConcurrentHashMap<>();

    public LocalEnrollment(EnrollmentAuthority authority) {
        this.authority = requireNonNull(authority, "authority is null");
    }

    @Override
    public CredentialChallenge challenge(String nodeName, byte[] ekPublicArea, byte[] akPublicArea) {
        EnrollmentAuthority.PendingEnrollment enrollment = authority.challenge(nodeName, ekPublicArea, akPublicArea);
        String id = UUID.randomUUID().toString();
        pending.put(id, enrollment);
        return new CredentialChallenge(id, enrollment.challenge());
    }

    @Override
    public CertifiedNode answer(CredentialChallenge challenge, byte[] secret, PublicKey tlsKey, PublicKey migrationTlsKey,
            List<String> ipAddresses) {
        EnrollmentAuthority.PendingEnrollment enrollment = pending.remove(challenge.id());
        if (enrollment == null) {
            throw new EnrollmentException("no open challenge " + challenge.id());
        }
        return authority.complete(enrollment, secret, tlsKey, migrationTlsKey, ipAddresses);
    }
}
