package org.vtpcm.protocol.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.crypto.SuiteName;

class PemTest {

    private static CloudCa ca;

    @TempDir
    Path dir;

    @BeforeAll
    static void createCa(@TempDir Path caDir) {
        ca = CloudCa.create("pem-test-ca", caDir);
    }

    static KeyPair p256() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    @Test
    void certificateRoundTrip() throws Exception {
        Path file = dir.resolve("ca.crt");
        Pem.writeCertificate(file, ca.certificate());
        assertEquals(ca.certificate(), Pem.readCertificate(file));
        assertTrue(Files.readString(file).startsWith("-----BEGIN CERTIFICATE-----"));
        assertEquals("rw-r--r--", mode(file));
    }

    @Test
    void severalCertificates() {
        X509Certificate leaf = ca.issueTlsIdentity(Role.NODE_MANAGER, "n1", List.of(), List.of(), Duration.ofDays(1), true, false)
                .certificate();
        Path file = dir.resolve("chain.crt");
        Pem.writeCertificates(file, List.of(leaf, ca.certificate()));
        assertEquals(List.of(leaf, ca.certificate()), Pem.readCertificates(file));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pem.readCertificate(file));
        assertTrue(e.getMessage().contains("2 certificates"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Pem.writeCertificates(file, List.of()));
    }

    @Test
    void privateKeyIsWrittenOwnerOnlyAndReadBack() throws Exception {
        KeyPair pair = p256();
        Path file = dir.resolve("node.key");
        Pem.writePrivateKey(file, pair.getPrivate());
        assertEquals("rw-------", mode(file));
        assertTrue(Files.readString(file).startsWith("-----BEGIN PRIVATE KEY-----"));
        PrivateKey read = Pem.readPrivateKey(file);
        assertArrayEquals(pair.getPrivate().getEncoded(), read.getEncoded());
        assertEquals("EC", read.getAlgorithm());
    }

    @Test
    void overwritingAKeyKeepsItOwnerOnlyAndLeavesNoTemporaryFiles() throws Exception {
        Path file = dir.resolve("node.key");
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        KeyPair pair = p256();
        Pem.writePrivateKey(file, pair.getPrivate());
        assertEquals("rw-------", mode(file));
        assertArrayEquals(pair.getPrivate().getEncoded(), Pem.readPrivateKey(file).getEncoded());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void writesCreateMissingDirectories() throws Exception {
        Path file = dir.resolve("a/b/node.key");
        Pem.writePrivateKey(file, p256().getPrivate());
        assertEquals("rw-------", mode(file));
    }

    @Test
    void sm2AndRsaKeysRoundTrip() throws Exception {
        KeyPair sm2 = CryptoSuites.of(SuiteName.SM).generateSigningKeyPair();
        KeyPairGenerator rsaGenerator = KeyPairGenerator.getInstance("RSA");
        rsaGenerator.initialize(1024);
        KeyPair rsa = rsaGenerator.generateKeyPair();
        for (KeyPair pair : List.of(sm2, rsa)) {
            Path keyFile = dir.resolve(pair.getPublic().getAlgorithm() + ".key");
            Path publicFile = dir.resolve(pair.getPublic().getAlgorithm() + ".pub");
            Pem.writePrivateKey(keyFile, pair.getPrivate());
            Pem.writePublicKey(publicFile, pair.getPublic());
            assertArrayEquals(pair.getPrivate().getEncoded(), Pem.readPrivateKey(keyFile).getEncoded());
            assertArrayEquals(pair.getPublic().getEncoded(), Pem.readPublicKey(publicFile).getEncoded());
        }
    }

    @Test
    void publicKeyAndCertificateText() throws Exception {
        PublicKey key = p256().getPublic();
        String text = Pem.toPem(key);
        assertTrue(text.startsWith("-----BEGIN PUBLIC KEY-----"));
        assertEquals(key, Pem.publicKeyFromPem(text));
        String certificate = Pem.toPem(ca.certificate());
        assertEquals(ca.certificate(), Pem.certificateFromPem(certificate));
        assertThrows(IllegalArgumentException.class, () -> Pem.certificateFromPem(text));
        assertThrows(IllegalArgumentException.class, () -> Pem.publicKeyFromPem(certificate));
        assertThrows(IllegalArgumentException.class, () -> Pem.certificateFromPem("nothing here"));
    }

    @Test
    void malformedFilesNameTheFileButNotTheContent() throws Exception {
        String secret = "TOPSECRETCONTENT";
        List<String> malformed = List.of(
                "",
                secret,
                "-----BEGIN PRIVATE KEY-----\n" + secret + "!!!\n-----END PRIVATE KEY-----\n",
                "-----BEGIN PRIVATE KEY-----\nTUlJ\n",
                "-----BEGIN PRIVATE KEY-----\nTUlJQkl3\n-----END PRIVATE KEY-----\n",
                "-----BEGIN CERTIFICATE-----\nTUlJQkl3\n-----END CERTIFICATE-----\n");
        int i = 0;
        for (String content : malformed) {
            Path file = dir.resolve("bad" + i++ + ".key");
            Files.writeString(file, content);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Pem.readPrivateKey(file), content);
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            assertFalse(e.getMessage().contains(secret), e.getMessage());
            assertFalse(e.getMessage().contains("TUlJ"), e.getMessage());
        }
        Path binary = dir.resolve("binary.crt");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2});
        assertThrows(IllegalArgumentException.class, () -> Pem.readCertificate(binary));
    }

    @Test
    void wrongBlockTypeIsNamed() {
        Path file = dir.resolve("ca.crt");
        Pem.writeCertificate(file, ca.certificate());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pem.readPrivateKey(file));
        assertTrue(e.getMessage().contains("CERTIFICATE") && e.getMessage().contains("PRIVATE KEY"), e.getMessage());
    }

    @Test
    void missingFileIsAnIoError() {
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> Pem.readCertificate(dir.resolve("missing.crt")));
        assertTrue(e.getMessage().contains("missing.crt"));
    }

    @Test
    void explanatoryTextBeforeTheBlockIsIgnored() throws Exception {
        Path file = dir.resolve("commented.crt");
        Files.writeString(file, "# the cloud CA\n" + Pem.toPem(ca.certificate()), StandardCharsets.US_ASCII);
        assertEquals(ca.certificate(), Pem.readCertificate(file));
    }
}
