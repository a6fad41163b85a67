package org.vtpcm.manager.node;

import org.vtpcm.attestation.enrollment.EnrollmentException;

import org.vtpcm.attestation.enrollment.EnrollmentAuthority;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.attestation.AttestationKey;
import org.vtpcm.attestation.EmulatedPlatformTpm;
import org.vtpcm.attestation.PlatformTpm;
import org.vtpcm.attestation.Quote;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.IssuedIdentity;
import org.vtpcm.protocol.pki.Pem;

/** Enrollment against a real swtpm platform TPM and a real CA, with attention to QEMU's migration TLS files. */
class NodeEnrollmentTest {
    private static final String NODE = "vtpcm-n1";
    private static final List<String> ADDRESSES = List.of("10.200.0.1", "192.0.2.7");
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    @TempDir
    Path folder;
    private EmulatedPlatformTpm tpm;
    private CloudCa ca;
    private EnrollmentAuthority authority;
    private Path tls;
    private Path qemuTls;

    @BeforeEach
    void start() {
        tpm = EmulatedPlatformTpm.start(folder.resolve("tpm"), folder.resolve("run"), Duration.ofSeconds(10));
        ca = CloudCa.create("test cloud CA", folder.resolve("ca"));
        authority = new EnrollmentAuthority(ca, folder.resolve("ca"));
        tls = folder.resolve("state").resolve("tls");
        qemuTls = tls.resolve("qemu");
    }

    @AfterEach
    void stop() {
        tpm.close();
    }

    @Test
    void enrollmentWritesQemusFiveFilesWithKeysForTheOwnerOnly() throws Exception {
        NodeEnrollment.enroll(NODE, ADDRESSES, tpm, authority, tls, qemuTls);
        for (String file : List.of("node.key", "node.crt", "ca.crt", "ak.crt")) {
            assertTrue(Files.isRegularFile(tls.resolve(file)), file);
        }
        for (String file : QemuMigrationTls.FILES) {
            assertTrue(Files.isRegularFile(qemuTls.resolve(file)), file);
        }
        assertEquals("rw-------", mode(qemuTls.resolve(QemuMigrationTls.SERVER_KEY)));
        assertEquals("rw-------", mode(qemuTls.resolve(QemuMigrationTls.CLIENT_KEY)));
        assertEquals("rw-r--r--", mode(qemuTls.resolve(QemuMigrationTls.CA_CERTIFICATE)));
        assertEquals(ca.certificate(), Pem.readCertificate(qemuTls.resolve(QemuMigrationTls.CA_CERTIFICATE)));
        assertEquals(Files.readString(qemuTls.resolve(QemuMigrationTls.SERVER_CERTIFICATE)),
                Files.readString(qemuTls.resolve(QemuMigrationTls.CLIENT_CERTIFICATE)), "one identity for both ends");
    }

    @Test
    void theQemuCertificateNamesTheNodeAndItsAddressesForServerAndClientUse() throws Exception {
        EnrollmentAuthority.Enrolled enrolled = NodeEnrollment.enroll(NODE, ADDRESSES, tpm, authority, tls, qemuTls);
        X509Certificate certificate = Pem.readCertificate(qemuTls.resolve(QemuMigrationTls.SERVER_CERTIFICATE));
        assertEquals(enrolled.migrationTls().certificate(), certificate);
        assertEquals("CN=" + NODE, certificate.getSubjectX500Principal().getName());
        assertTrue(ca.issued(certificate), "issued by the cloud CA");
        assertTrue(certificate.getExtendedKeyUsage().containsAll(List.of(SERVER_AUTH, CLIENT_AUTH)));
        List<String> ipNames = new ArrayList<>();
        List<String> dnsNames = new ArrayList<>();
        for (List<?> name : certificate.getSubjectAlternativeNames()) {
            if ((Integer) name.get(0) == 7) {
                ipNames.add((String) name.get(1));
            } else if ((Integer) name.get(0) == 2) {
                dnsNames.add((String) name.get(1));
            }
        }
        assertEquals(ADDRESSES, ipNames);
        assertEquals(List.of(NODE), dnsNames);
    }

    @Test
    void qemuHasItsOwnKeyNotTheManagers() {
        NodeEnrollment.enroll(NODE, ADDRESSES, tpm, authority, tls, qemuTls);
        IssuedIdentity manager = IssuedIdentity.readPem(tls, "node");
        IssuedIdentity qemu = QemuMigrationTls.read(qemuTls);
        assertNotEquals(manager.certificate().getPublicKey(), qemu.certificate().getPublicKey());
        assertNotEquals(manager.certificate().getSerialNumber(), qemu.certificate().getSerialNumber());
    }

    @Test
    void theKeyIsPkcs8WithItsPublicKeyAsGnuTlsNeeds() throws Exception {
        NodeEnrollment.enroll(NODE, ADDRESSES, tpm, authority, tls, qemuTls);
        Path keyFile = qemuTls.resolve(QemuMigrationTls.SERVER_KEY);
        String pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
        assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----"), "unencrypted PKCS#8 PEM");
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        org.bouncycastle.asn1.sec.ECPrivateKey inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(
                PrivateKeyInfo.getInstance(der).parsePrivateKey());
        X509Certificate certificate = Pem.readCertificate(qemuTls.resolve(QemuMigrationTls.SERVER_CERTIFICATE));
        assertArrayEquals(SubjectPublicKeyInfo.getInstance(certificate.getPublicKey().getEncoded()).getPublicKeyData().getBytes(),
                inner.getPublicKey().getBytes(), "the ECPrivateKey carries the certificate's public point");
        assertPair(Pem.readPrivateKey(keyFile), certificate);
    }

    @Test
    void gnuTlsAcceptsTheKeyAndTheChain() throws Exception {
        assumeTrue(onPath("certtool"), "GnuTLS certtool not installed");
        NodeEnrollment.enroll(NODE, ADDRESSES, tpm, authority, tls, qemuTls);
        assertEquals(0, run("certtool", "-k", "--infile", qemuTls.resolve(QemuMigrationTls.CLIENT_KEY).toString()).exitValue());
        Process verify = run("certtool", "--verify", "--load-ca-certificate", qemuTls.resolve(QemuMigrationTls.CA_CERTIFICATE).toString(),
                "--infile", qemuTls.resolve(QemuMigrationTls.SERVER_CERTIFICATE).toString());
        assertEquals(0, verify.exitValue());
    }

    @Test
    void qemuLoadsTheFolderAsItsTlsCredentials() throws Exception {
        assumeTrue(onPath("qemu-system-x86_64"), "QEMU not installed");
        NodeEnrollment.enroll(NODE, ADDRESSES, tpm, authority, tls, qemuTls);
        // QEMU loads the files when the object is created and exits at once if it cannot; else it waits (-S).
        Process qemu = new ProcessBuilder("qemu-system-x86_64", "-machine", "none", "-nodefaults", "-display", "none",
                "-monitor", "none", "-serial", "none", "-S", "-object",
                "tls-creds-x509,id=migrate,dir=" + qemuTls + ",endpoint=server,verify-peer=on").redirectErrorStream(true).start();
        try {
            boolean exited = qemu.waitFor(3, TimeUnit.SECONDS);
            assertFalse(exited, () -> "QEMU refused the credentials: " + output(qemu));
        } finally {
            qemu.destroyForcibly().waitFor();
        }
    }

    @Test
    void reEnrollmentReplacesTheQemuIdentity() {
        NodeEnrollment.enroll(NODE, ADDRESSES, tpm, authority, tls, qemuTls);
        X509Certificate first = QemuMigrationTls.read(qemuTls).certificate();
        NodeEnrollment.enroll(NODE, ADDRESSES, tpm, authority, tls, qemuTls);
        IssuedIdentity second = QemuMigrationTls.read(qemuTls);
        assertNotEquals(first.getSerialNumber(), second.certificate().getSerialNumber());
        assertPair(second.key(), second.certificate());
    }

    @Test
    void aNodeThatCannotActivateTheCredentialGetsNoQemuIdentity() {
        PlatformTpm impostor = new AnsweringWrongly(tpm);
        assertThrows(EnrollmentException.class, () -> NodeEnrollment.enroll(NODE, ADDRESSES, impostor, authority, tls, qemuTls));
        assertFalse(Files.exists(qemuTls), "nothing written");
    }

    private static void assertPair(PrivateKey key, X509Certificate certificate) {
        try {
            byte[] message = "migration".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(key);
            signer.update(message);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(message);
            assertTrue(verifier.verify(signature), "the key belongs to the certificate");
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    private static boolean onPath(String program) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, program))) {
                return true;
            }
        }
        return false;
    }

    private static Process run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = output(process);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish");
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + output);
        }
        return process;
    }

    private static String output(Process process) {
        try {
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** A TPM that holds neither the EK nor the AK the CA challenged: answers the challenge with junk. */
    private static final class AnsweringWrongly implements PlatformTpm {
        private final PlatformTpm real;

        AnsweringWrongly(PlatformTpm real) {
            this.real = real;
        }

        @Override
        public String description() {
            return "impostor";
        }

        @Override
        public byte[] endorsementKeyPublic() {
            return real.endorsementKeyPublic();
        }

        @Override
        public AttestationKey attestationKey() {
            return real.attestationKey();
        }

        @Override
        public void extend(int pcr, byte[] sha256Digest) {
            real.extend(pcr, sha256Digest);
        }

        @Override
        public Map<Integer, byte[]> readPcrs(int... pcrs) {
            return real.readPcrs(pcrs);
        }

        @Override
        public Quote quote(byte[] nonce, int... pcrs) {
            return real.quote(nonce, pcrs);
        }

        @Override
        public byte[] activateCredential(byte[] credentialBlob, byte[] encryptedSecret) {
            return new byte[32];
        }

        @Override
        public void close() {
        }
    }
}
