package org.vtpcm.attestation.enrollment;

import static java.util.Objects.requireNonNull;

import java.security.cert.X509Certificate;

/**
 * What the cloud CA issues to a node that proved its TPM: the AK certificate, the certificates of
 * the node's own TLS keys (the manager's and QEMU's migration stream's) and the CA's certificate.
 */
public record CertifiedNode(X509Certificate akCertificate, X509Certificate tlsCertificate, X509Certificate migrationTlsCertificate,
        X509Certificate caCertificate) {
    public CertifiedNode {
        requireNonNull(akCertificate, "akCertificate is null");
        requireNonNull(tlsCertificate, "tlsCertificate is null");
        requireNonNull(migrationTlsCertificate, "migrationTlsCertificate is null");
        requireNonNull(caCertificate, "caCertificate is null");
    }
}
