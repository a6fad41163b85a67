package org.vtpcm.manager.node;

import org.vtpcm.attestation.enrollment.EnrollmentException;

import org.vtpcm.attestation.enrollment.EnrollmentAuthority;
import org.vtpcm.attestation.enrollment.CertifiedNode;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.attestation.AttestationKey;
import org.vtpcm.attestation.PlatformTpm;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.IssuedIdentity;
import org.vtpcm.protocol.pki.Pem;

/**
 * The node's side of enrollment, whichever way the CA is reached: answer the CA's challenge with
 * the TPM, generate the node's TLS keys here (only their public halves leave), check what the CA
 * certified, then store it.
 */
public final class NodeEnrollment {
    private static final Logger LOG = LoggerFactory.getLogger(NodeEnrollment.class);

    private NodeEnrollment() {
    }

    /** {@link #enroll(String, List, PlatformTpm, EnrollmentChannel, Path, Path)} with the CA in this process ({@code --ca-dir}). */
    public static EnrollmentAuthority.Enrolled enroll(String nodeName, List<String> ipAddresses, PlatformTpm tpm,
            EnrollmentAuthority authority, Path tlsDirectory, Path qemuTlsDirectory) {
        return enroll(nodeName, ipAddresses, tpm, new LocalEnrollment(authority), tlsDirectory, qemuTlsDirectory);
    }

    /**
     * Runs the whole exchange, writes node.key, node.crt, ca.crt and ak.crt into {@code tlsDirectory}
     * and QEMU's migration TLS files ({@link QemuMigrationTls}) into {@code qemuTlsDirectory}. Nothing
     * is written unless the CA certified every key.
     */
    public static EnrollmentAuthority.Enrolled enroll(String nodeName, List<String> ipAddresses, PlatformTpm tpm,
            EnrollmentChannel channel, Path tlsDirectory, Path qemuTlsDirectory) {
        requireNonNull(tpm, "tpm is null");
        requireNonNull(channel, "channel is null");
        requireNonNull(tlsDirectory, "tlsDirectory is null");
        requireNonNull(qemuTlsDirectory, "qemuTlsDirectory is null");
        AttestationKey ak = tpm.attestationKey();
        CredentialChallenge challenge = channel.challenge(nodeName, tpm.endorsementKeyPublic(), ak.publicArea());
        byte[] secret = tpm.activateCredential(challenge.challenge().credentialBlob(), challenge.challenge().encryptedSecret());
        KeyPair tlsKeys = CloudCa.newTlsKeyPair();
        KeyPair migrationKeys = CloudCa.newTlsKeyPair();
        CertifiedNode certified;
        try {
            certified = channel.answer(challenge, secret, tlsKeys.getPublic(), migrationKeys.getPublic(), ipAddresses);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        check(nodeName, certified, ak.publicKey(), tlsKeys.getPublic(), migrationKeys.getPublic());
        EnrollmentAuthority.Enrolled enrolled = new EnrollmentAuthority.Enrolled(certified.akCertificate(),
                new IssuedIdentity(tlsKeys.getPrivate(), certified.tlsCertificate(), certified.caCertificate()),
                new IssuedIdentity(migrationKeys.getPrivate(), certified.migrationTlsCertificate(), certified.caCertificate()));
        enrolled.tls().writePem(tlsDirectory, "node");
        Pem.writeCertificate(tlsDirectory.resolve("ak.crt"), enrolled.akCertificate());
        QemuMigrationTls.write(enrolled.migrationTls(), qemuTlsDirectory);
        LOG.info("node {} enrolled: AK certified, TLS identity into {}, QEMU migration TLS identity into {} (root of trust: {})",
                nodeName, tlsDirectory, qemuTlsDirectory, tpm.description());
        return enrolled;
    }

    /** The CA must have certified exactly our keys, under our name, with its own signature. */
    private static void check(String nodeName, CertifiedNode certified, PublicKey ak, PublicKey tls, PublicKey migrationTls) {
        X509Certificate ca = certified.caCertificate();
        certifies(ca, certified.akCertificate(), ak, "AK");
        certifies(ca, certified.tlsCertificate(), tls, "TLS");
        certifies(ca, certified.migrationTlsCertificate(), migrationTls, "migration TLS");
        for (X509Certificate certificate : List.of(certified.tlsCertificate(), certified.migrationTlsCertificate())) {
            if (!certificate.getSubjectX500Principal().getName().equals("CN=" + nodeName)) {
                throw new EnrollmentException("the CA certified our TLS key for " + certificate.getSubjectX500Principal().getName()
                        + ", not CN=" + nodeName);
            }
        }
    }

    private static void certifies(X509Certificate ca, X509Certificate certificate, PublicKey key, String what) {
        if (!Arrays.equals(certificate.getPublicKey().getEncoded(), key.getEncoded())) {
            throw new EnrollmentException("the " + what + " certificate the CA returned is not for our " + what + " key");
        }
        try {
            certificate.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new EnrollmentException("the " + what + " certificate the CA returned is not signed by the CA: " + e.getMessage());
        }
    }
}
