package org.vtpcm.attestation.enrollment;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import org.vtpcm.protocol.pki.Role;
import org.vtpcm.attestation.Challenge;
import org.vtpcm.attestation.CredentialIssuer;
import org.vtpcm.attestation.tpm2.TpmFormatException;
import org.vtpcm.attestation.tpm2.TpmPublicArea;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.IssuedIdentity;

/**
 * The cloud CA's side of node enrollment: it challenges the node's endorsement key with
 * MakeCredential bound to the name of the attestation key whose public area the node sent; only a
 * TPM holding both keys can answer, and only then are the AK certificate and the certificates of
 * the node's own TLS keys (the manager's, QEMU's migration stream's) issued. The node's private
 * keys never reach the CA. The migration engine hosts this behind its enrollment endpoint
 * ({@code docs/engine-api.md}); {@code vtpcm-manager enroll --ca-dir} runs it where the CA folder is
 * (labs). Enrolled nodes are recorded under {@code <ca>/nodes}.
 */
public final class EnrollmentAuthority {
    /** tcg-kp-AIKCertificate: the extended key usage of TPM attestation key certificates. */
    public static final String AK_CERTIFICATE_PURPOSE = "2.23.133.8.3";
    /** What a node may be called: a host name label (it names a file, a certificate and a host). */
    public static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,62}");
    /** How long a node's certificates last unless the engine says otherwise; a node renews them by enrolling again. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(30);

    private final CloudCa ca;
    private final Path registry;
    private final Duration validity;
    private final CredentialIssuer issuer = new CredentialIssuer();
    private final SecureRandom random = new SecureRandom();

    public EnrollmentAuthority(CloudCa ca, Path caDirectory) {
        this(ca, caDirectory, DEFAULT_VALIDITY);
    }

    /** @param validity how long the node-manager, node-qemu and AK certificates last */
    public EnrollmentAuthority(CloudCa ca, Path caDirectory, Duration validity) {
        this.ca = requireNonNull(ca, "ca is null");
        this.registry = requireNonNull(caDirectory, "caDirectory is null").resolve("nodes");
        this.validity = requireNonNull(validity, "validity is null");
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive, got " + validity);
        }
    }

    public X509Certificate caCertificate() {
        return ca.certificate();
    }

    /**
     * Step 1: a challenge only the TPM with this EK and this AK can open. Returns it with the
     * expected secret.
     *
     * @throws IllegalArgumentException if the name or a public area is malformed, the EK is not a
     *         supported endorsement key or the AK is not a restricted signing key
     */
    public PendingEnrollment challenge(String nodeName, byte[] ekPublicArea, byte[] akPublicArea) {
        requireNodeName(nodeName);
        requireNonNull(ekPublicArea, "ekPublicArea is null");
        requireNonNull(akPublicArea, "akPublicArea is null");
        TpmPublicArea ak;
        PublicKey akPublicKey;
        byte[] akName;
        try {
            ak = TpmPublicArea.parse(akPublicArea);
            akPublicKey = ak.toPublicKey();
            akName = ak.name();
        } catch (TpmFormatException e) {
            throw new IllegalArgumentException("malformed AK public area: " + e.getMessage(), e);
        }
        if (!ak.isRestrictedSigningKey()) {
            throw new IllegalArgumentException("the AK is not a restricted signing key created inside the TPM");
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        Challenge challenge = issuer.makeCredential(ekPublicArea, akName, secret);
        return new PendingEnrollment(nodeName, ekPublicArea.clone(), akName, akPublicKey, challenge, secret);
    }

    /** Whether {@code answer} is the secret the challenge hid (compared in constant time). */
    public boolean proves(PendingEnrollment pending, byte[] answer) {
        return answer != null && MessageDigest.isEqual(pending.secret(), answer);
    }

    /**
     * Step 2: if the node returned the secret, certify its AK and its two TLS keys: one for the
     * manager's API, one for QEMU's migration stream (its own key, so that QEMU never holds the
     * manager's). Both have CN = node name, the name as DNS and the addresses as IP subjectAltNames
     * (libvirt gives QEMU the destination's address as the name to check), server and client use.
     *
     * @throws EnrollmentException if the answer is wrong
     * @throws IllegalArgumentException if a TLS key is not EC P-256 or an address is not an IP literal
     */
    public CertifiedNode complete(PendingEnrollment pending, byte[] answer, PublicKey tlsKey, PublicKey migrationTlsKey,
            List<String> ipAddresses) {
        if (!proves(pending, answer)) {
            throw new EnrollmentException("node " + pending.nodeName() + " did not prove possession of its EK and AK "
                    + "(credential activation answered wrongly)");
        }
        requireNonNull(tlsKey, "tlsKey is null");
        requireNonNull(migrationTlsKey, "migrationTlsKey is null");
        String node = pending.nodeName();
        X509Certificate tls = ca.certifyTlsKey(Role.NODE_MANAGER, tlsKey, node, List.of(node), ipAddresses, validity, true, true);
        X509Certificate migrationTls = ca.certifyTlsKey(Role.NODE_QEMU, migrationTlsKey, node, List.of(node), ipAddresses, validity, true, true);
        X509Certificate akCertificate = ca.certifyPublicKey(pending.akPublicKey(), node + " attestation key", validity,
                AK_CERTIFICATE_PURPOSE);
        record(pending);
        return new CertifiedNode(akCertificate, tls, migrationTls, ca.certificate());
    }

    /** What the registry holds about an enrolled node, if it was enrolled before. */
    public Optional<RegisteredNode> registered(String nodeName) {
        requireNodeName(nodeName);
        Path file = registry.resolve(nodeName + ".properties");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties node = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            node.load(reader);
        } catch (IOException e) {
            throw new EnrollmentException("cannot read the enrollment record of " + nodeName + ": " + e.getMessage());
        }
        return Optional.of(new RegisteredNode(nodeName, node.getProperty("ek.sha256", ""), node.getProperty("ak.name", "")));
    }

    /** The SHA-256 of an EK public area in hex, as the registry records it. */
    public static String ekDigest(byte[] ekPublicArea) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ekPublicArea));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void requireNodeName(String nodeName) {
        if (nodeName == null || !NODE_NAME.matcher(nodeName).matches()) {
            throw new IllegalArgumentException("a node name is 1-63 letters, digits and dashes, not starting with a dash");
        }
        // the name becomes the certificates' CN and DNS name, compared without case: never the engine's
        if (nodeName.equalsIgnoreCase(CloudCa.ENGINE_NAME)) {
            throw new IllegalArgumentException("'" + nodeName + "' is the engine's name; a node cannot be certified under it");
        }
    }

    private void record(PendingEnrollment pending) {
        Properties node = new Properties();
        node.setProperty("name", pending.nodeName());
        node.setProperty("ek.sha256", ekDigest(pending.ekPublicArea()));
        node.setProperty("ak.name", HexFormat.of().formatHex(pending.akName()));
        try {
            Files.createDirectories(registry);
            Path file = registry.resolve(pending.nodeName() + ".properties");
            Path temporary = Files.createTempFile(registry, ".node", ".tmp");
            try (var writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                node.store(writer, "enrolled node");
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new EnrollmentException("cannot record enrollment of " + pending.nodeName() + ": " + e.getMessage());
        }
    }

    /** A challenge in flight; never printed with its secret. */
    public record PendingEnrollment(String nodeName, byte[] ekPublicArea, byte[] akName, PublicKey akPublicKey, Challenge challenge,
            byte[] secret) {
        public PendingEnrollment {
            requireNonNull(nodeName, "nodeName is null");
            requireNonNull(akPublicKey, "akPublicKey is null");
            requireNonNull(challenge, "challenge is null");
        }

        @Override
        public String toString() {
            return "PendingEnrollment[node=" + nodeName + ", akName=" + HexFormat.of().formatHex(akName) + "]";
        }
    }

    /** An enrolled node as the registry knows it. */
    public record RegisteredNode(String name, String ekSha256, String akName) {
    }

    /** What an enrolled node holds in the end: its AK certificate and its two TLS identities, with their private keys. */
    public record Enrolled(X509Certificate akCertificate, IssuedIdentity tls, IssuedIdentity migrationTls) {
        public Enrolled {
            requireNonNull(akCertificate, "akCertificate is null");
            requireNonNull(tls, "tls is null");
            requireNonNull(migrationTls, "migrationTls is null");
        }
    }
}
