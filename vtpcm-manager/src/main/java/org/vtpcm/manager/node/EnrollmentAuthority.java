package org.vtpcm.manager.node;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.vtpcm.attestation.Challenge;
import org.vtpcm.attestation.CredentialIssuer;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.IssuedIdentity;

/**
 * The cloud CA's side of node enrollment: it challenges the node's endorsement key with
 * MakeCredential bound to the attestation key's name; only a TPM holding both keys can answer, and
 * only then are the AK certificate, the node's TLS identity and its QEMU migration TLS identity issued. The migration engine will
 * host this; until then it runs where the CA folder is (the lab's controller).
 */
public final class EnrollmentAuthority {
    /** tcg-kp-AIKCertificate: the extended key usage of TPM attestation key certificates. */
    public static final String AK_CERTIFICATE_PURPOSE = "2.23.133.8.3";
    private static final Duration VALIDITY = Duration.ofDays(365);

    private final CloudCa ca;
    private final Path registry;
    private final CredentialIssuer issuer = new CredentialIssuer();
    private final SecureRandom random = new SecureRandom();

    public EnrollmentAuthority(CloudCa ca, Path caDirectory) {
        this.ca = requireNonNull(ca, "ca is null");
        this.registry = requireNonNull(caDirectory, "caDirectory is null").resolve("nodes");
    }

    /** Step 1: a challenge only the TPM with this EK and AK can open. Returns it with the expected secret. */
    public PendingEnrollment challenge(String nodeName, byte[] ekPublicArea, byte[] akName) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        Challenge challenge = issuer.makeCredential(ekPublicArea, akName, secret);
        return new PendingEnrollment(nodeName, ekPublicArea, akName, challenge, secret);
    }

    /**
     * Step 2: if the node returned the secret, certify its AK and issue its TLS identities: one for
     * the manager's API, one for QEMU's migration stream (its own key, so that QEMU never holds the
     * manager's). Both have CN = node name, the name as DNS and the addresses as IP subjectAltNames
     * (libvirt gives QEMU the destination's address as the name to check), server and client use.
     */
    public Enrolled complete(PendingEnrollment pending, byte[] answer, PublicKey akPublicKey, List<String> ipAddresses) {
        if (!MessageDigest.isEqual(pending.secret(), answer)) {
            throw new EnrollmentException("node " + pending.nodeName() + " did not prove possession of its EK and AK "
                    + "(credential activation answered wrongly)");
        }
        X509Certificate akCertificate = ca.certifyPublicKey(akPublicKey, pending.nodeName() + " attestation key", VALIDITY,
                AK_CERTIFICATE_PURPOSE);
        IssuedIdentity tls = ca.issueTlsIdentity(pending.nodeName(), List.of(pending.nodeName()), ipAddresses, VALIDITY, true, true);
        IssuedIdentity migrationTls = ca.issueTlsIdentity(pending.nodeName(), List.of(pending.nodeName()), ipAddresses, VALIDITY,
                true, true);
        record(pending);
        return new Enrolled(akCertificate, tls, migrationTls);
    }

    private void record(PendingEnrollment pending) {
        Properties node = new Properties();
        node.setProperty("name", pending.nodeName());
        node.setProperty("ek.sha256", sha256(pending.ekPublicArea()));
        node.setProperty("ak.name", HexFormat.of().formatHex(pending.akName()));
        try {
            Files.createDirectories(registry);
            Path file = registry.resolve(pending.nodeName() + ".properties");
            Path temporary = Files.createTempFile(registry, ".node", ".tmp");
            try (var writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                node.store(writer, "enrolled node");
            }
            Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new EnrollmentException("cannot record enrollment of " + pending.nodeName() + ": " + e.getMessage());
        }
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A challenge in flight. */
    public record PendingEnrollment(String nodeName, byte[] ekPublicArea, byte[] akName, Challenge challenge, byte[] secret) {
    }

    /** What an enrolled node receives. */
    public record Enrolled(X509Certificate akCertificate, IssuedIdentity tls, IssuedIdentity migrationTls) {
        public Enrolled {
            requireNonNull(akCertificate, "akCertificate is null");
            requireNonNull(tls, "tls is null");
            requireNonNull(migrationTls, "migrationTls is null");
        }
    }
}
