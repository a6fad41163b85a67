package org.vtpcm.manager.node;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.attestation.AttestationKey;
import org.vtpcm.attestation.PlatformTpm;
import org.vtpcm.protocol.pki.Pem;

/** The node's side of enrollment: answer the CA's challenge with the TPM, then store what it issues. */
public final class NodeEnrollment {
    private static final Logger LOG = LoggerFactory.getLogger(NodeEnrollment.class);

    private NodeEnrollment() {
    }

    /**
     * Runs the whole exchange, writes node.key, node.crt, ca.crt and ak.crt into {@code tlsDirectory}
     * and QEMU's migration TLS files ({@link QemuMigrationTls}) into {@code qemuTlsDirectory}.
     */
    public static EnrollmentAuthority.Enrolled enroll(String nodeName, List<String> ipAddresses, PlatformTpm tpm,
            EnrollmentAuthority authority, Path tlsDirectory, Path qemuTlsDirectory) {
        requireNonNull(tpm, "tpm is null");
        requireNonNull(tlsDirectory, "tlsDirectory is null");
        requireNonNull(qemuTlsDirectory, "qemuTlsDirectory is null");
        AttestationKey ak = tpm.attestationKey();
        EnrollmentAuthority.PendingEnrollment pending = authority.challenge(nodeName, tpm.endorsementKeyPublic(), ak.name());
        byte[] answer = tpm.activateCredential(pending.challenge().credentialBlob(), pending.challenge().encryptedSecret());
        EnrollmentAuthority.Enrolled enrolled = authority.complete(pending, answer, ak.publicKey(), ipAddresses);
        enrolled.tls().writePem(tlsDirectory, "node");
        Pem.writeCertificate(tlsDirectory.resolve("ak.crt"), enrolled.akCertificate());
        QemuMigrationTls.write(enrolled.migrationTls(), qemuTlsDirectory);
        LOG.info("node {} enrolled: AK certified, TLS identity into {}, QEMU migration TLS identity into {} (root of trust: {})",
                nodeName, tlsDirectory, qemuTlsDirectory, tpm.description());
        return enrolled;
    }
}
