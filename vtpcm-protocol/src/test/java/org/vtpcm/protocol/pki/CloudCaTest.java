package org.vtpcm.protocol.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.crypto.SuiteName;

class CloudCaTest {

    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    /** tcg-kp-AIKCertificate (TCG), as used for attestation key certificates. */
    private static final String TCG_AIK = "2.23.133.8.3";

    private static Path caDir;
    private static CloudCa ca;

    @TempDir
    Path dir;

    @BeforeAll
    static void createCa(@TempDir Path directory) {
        caDir = directory;
        ca = CloudCa.create("vtpcm cloud CA", caDir);
    }

    @Test
    void caCertificateIsASelfSignedP256CaValidForTenYears() throws Exception {
        X509Certificate certificate = ca.certificate();
        assertEquals("CN=vtpcm cloud CA", certificate.getSubjectX500Principal().getName());
        assertEquals(certificate.getSubjectX500Principal(), certificate.getIssuerX500Principal());
        certificate.verify(certificate.getPublicKey());
        assertEquals("SHA256withECDSA", certificate.getSigAlgName());
        assertEquals(256, ((ECPublicKey) certificate.getPublicKey()).getParams().getCurve().getField().getFieldSize());
        assertTrue(certificate.getBasicConstraints() >= 0, "CA=true");
        assertTrue(certificate.getCriticalExtensionOIDs().contains("2.5.29.19"), "basicConstraints critical");
        boolean[] keyUsage = certificate.getKeyUsage();
        assertTrue(keyUsage[5] && keyUsage[6], "keyCertSign and cRLSign");
        assertFalse(keyUsage[0]);
        long days = Duration.between(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant())
                .toDays();
        assertTrue(days >= 3650 && days <= 3651, "validity " + days + " days");
        assertTrue(ca.issued(certificate));
    }

    @Test
    void createWritesOwnerOnlyKeyAndRefusesToOverwrite() throws Exception {
        assertEquals("rw-------", PemTest.mode(caDir.resolve("ca.key")));
        assertEquals(ca.certificate(), Pem.readCertificate(caDir.resolve("ca.crt")));
        byte[] keyBefore = Files.readAllBytes(caDir.resolve("ca.key"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CloudCa.create("another", caDir));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertArrayEquals(keyBefore, Files.readAllBytes(caDir.resolve("ca.key")));
    }

    @Test
    void loadRoundTrip() {
        CloudCa loaded = CloudCa.load(caDir);
        assertEquals(ca.certificate(), loaded.certificate());
        IssuedIdentity identity = loaded.issueTlsIdentity(Role.NODE_MANAGER, "n", List.of(), List.of(), Duration.ofDays(1), true, false);
        assertTrue(ca.issued(identity.certificate()));
        IssuedIdentity other = ca.issueTlsIdentity(Role.NODE_MANAGER, "m", List.of(), List.of(), Duration.ofDays(1), false, true);
        assertTrue(loaded.issued(other.certificate()));
    }

    @Test
    void loadRejectsMissingAndMismatchedFiles() throws Exception {
        assertThrows(RuntimeException.class, () -> CloudCa.load(dir));
        CloudCa other = CloudCa.create("other", dir);
        Files.copy(caDir.resolve("ca.crt"), dir.resolve("ca.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CloudCa.load(dir));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
        assertFalse(other.issued(ca.certificate()));
    }

    @Test
    void tlsIdentityHasTheRequestedNamesAndUsages() throws Exception {
        IssuedIdentity identity = ca.issueTlsIdentity(Role.NODE_MANAGER, "node-1", List.of("node-1", "node-1.vtpcm.lab"),
                List.of("10.200.0.1", "fd00::1"), Duration.ofDays(90), true, true);
        X509Certificate certificate = identity.certificate();
        certificate.verify(ca.certificate().getPublicKey());
        assertEquals(ca.certificate(), identity.caCertificate());
        assertEquals("CN=node-1", certificate.getSubjectX500Principal().getName());
        assertEquals(ca.certificate().getSubjectX500Principal(), certificate.getIssuerX500Principal());
        assertEquals("SHA256withECDSA", certificate.getSigAlgName());
        assertEquals("EC", identity.key().getAlgorithm());
        assertTrue(Keys.matches(identity.key(), certificate.getPublicKey()));

        Set<List<?>> sans = new HashSet<>(certificate.getSubjectAlternativeNames());
        assertEquals(Set.of(List.of(2, "node-1"), List.of(2, "node-1.vtpcm.lab"), List.of(7, "10.200.0.1"),
                List.of(7, "fd00:0:0:0:0:0:0:1")), sans);
        assertEquals(List.of(SERVER_AUTH, CLIENT_AUTH, Role.NODE_MANAGER.oid()), certificate.getExtendedKeyUsage());
        boolean[] keyUsage = certificate.getKeyUsage();
        assertTrue(keyUsage[0], "digitalSignature");
        assertFalse(keyUsage[5], "no keyCertSign");
        assertEquals(-1, certificate.getBasicConstraints());

        long days = Duration.between(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant())
                .toDays();
        assertEquals(90, days);
        assertTrue(certificate.getNotBefore().toInstant().isBefore(Instant.now()));

        byte[] aki = AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(
                certificate.getExtensionValue("2.5.29.35")).getOctets()).getKeyIdentifierOctets();
        byte[] caSki = SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(
                ca.certificate().getExtensionValue("2.5.29.14")).getOctets()).getKeyIdentifier();
        assertArrayEquals(caSki, aki);
        assertTrue(certificate.getExtensionValue("2.5.29.14") != null, "subjectKeyIdentifier");
        assertTrue(ca.issued(certificate));
    }

    @Test
    void extendedKeyUsageFollowsTheFlags() throws Exception {
        assertEquals(List.of(SERVER_AUTH, Role.NODE_MANAGER.oid()), ca.issueTlsIdentity(Role.NODE_MANAGER, "s", List.of(), List.of(),
                Duration.ofDays(1), true, false).certificate().getExtendedKeyUsage());
        X509Certificate client = ca.issueTlsIdentity(Role.OPERATOR, "c", List.of(), List.of(), Duration.ofDays(1),
                false, true).certificate();
        assertEquals(List.of(CLIENT_AUTH, Role.OPERATOR.oid()), client.getExtendedKeyUsage());
        assertEquals(java.util.Optional.of(Role.OPERATOR), Role.of(client));
        assertEquals(null, client.getSubjectAlternativeNames());
        assertThrows(IllegalArgumentException.class, () -> ca.issueTlsIdentity(Role.NODE_MANAGER, "x", List.of(), List.of(),
                Duration.ofDays(1), false, false));
    }

    @Test
    void serialsAreRandom128BitPositiveNumbers() {
        Set<Object> serials = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            X509Certificate certificate = ca.issueTlsIdentity(Role.NODE_MANAGER, "n" + i, List.of(), List.of(), Duration.ofDays(1),
                    true, false).certificate();
            assertTrue(certificate.getSerialNumber().signum() > 0);
            assertTrue(certificate.getSerialNumber().bitLength() <= 128);
            serials.add(certificate.getSerialNumber());
        }
        assertEquals(5, serials.size());
    }

    @Test
    void validityIsClippedToTheCaCertificate() {
        X509Certificate certificate = ca.issueTlsIdentity(Role.NODE_MANAGER, "long", List.of(), List.of(), Duration.ofDays(100_000),
                true, false).certificate();
        assertEquals(ca.certificate().getNotAfter(), certificate.getNotAfter());
    }

    @Test
    void badArgumentsAreRejected() {
        Duration day = Duration.ofDays(1);
        assertThrows(IllegalArgumentException.class,
                () -> ca.issueTlsIdentity(Role.NODE_MANAGER, "n", List.of(), List.of("1.2.3"), day, true, false));
        assertThrows(IllegalArgumentException.class,
                () -> ca.issueTlsIdentity(Role.NODE_MANAGER, "n", List.of(), List.of("10.0.0.0/8"), day, true, false));
        assertThrows(IllegalArgumentException.class,
                () -> ca.issueTlsIdentity(Role.NODE_MANAGER, "n", List.of(), List.of("node-1"), day, true, false));
        assertThrows(IllegalArgumentException.class,
                () -> ca.issueTlsIdentity(Role.NODE_MANAGER, "n", List.of("bad name"), List.of(), day, true, false));
        assertThrows(IllegalArgumentException.class,
                () -> ca.issueTlsIdentity(Role.NODE_MANAGER, " ", List.of(), List.of(), day, true, false));
        assertThrows(IllegalArgumentException.class,
                () -> ca.issueTlsIdentity(Role.NODE_MANAGER, "n", List.of(), List.of(), Duration.ZERO, true, false));
        assertThrows(IllegalArgumentException.class,
                () -> ca.issueTlsIdentity(Role.NODE_MANAGER, "n", List.of(), List.of(), Duration.ofSeconds(-1), true, false));
        assertThrows(NullPointerException.class,
                () -> ca.issueTlsIdentity(Role.NODE_MANAGER, null, List.of(), List.of(), day, true, false));
    }

    @Test
    void certifiesSm2P256AndRsaPublicKeys() throws Exception {
        List<PublicKey> keys = new ArrayList<>();
        keys.add(CryptoSuites.of(SuiteName.SM).generateSigningKeyPair().getPublic());
        keys.add(CryptoSuites.of(SuiteName.NIST).generateSigningKeyPair().getPublic());
        keys.add(PemTest.p256().getPublic());
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        keys.add(rsa.generateKeyPair().getPublic());

        for (PublicKey key : keys) {
            X509Certificate certificate = ca.certifyPublicKey(key, "vm-42 attestation key", Duration.ofDays(7), TCG_AIK);
            certificate.verify(ca.certificate().getPublicKey());
            assertTrue(ca.issued(certificate), key.getAlgorithm());
            assertArrayEquals(key.getEncoded(), certificate.getPublicKey().getEncoded());
            assertEquals(List.of(TCG_AIK), certificate.getExtendedKeyUsage());
            assertEquals(-1, certificate.getBasicConstraints());
            assertEquals("CN=vm-42 attestation key", certificate.getSubjectX500Principal().getName());
            // Survives a PEM round trip, including the SM2 key the JDK alone cannot parse.
            Path file = dir.resolve("cert.crt");
            Pem.writeCertificate(file, certificate);
            X509Certificate read = Pem.readCertificate(file);
            assertArrayEquals(certificate.getEncoded(), read.getEncoded());
            assertTrue(ca.issued(read));
        }
    }

    @Test
    void certifyPublicKeyRejectsBadPurposes() throws Exception {
        PublicKey key = PemTest.p256().getPublic();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ca.certifyPublicKey(key, "k", Duration.ofDays(1), "not-an-oid"));
        assertTrue(e.getMessage().contains("not-an-oid"), e.getMessage());
        assertThrows(NullPointerException.class, () -> ca.certifyPublicKey(key, "k", Duration.ofDays(1), null));
        assertThrows(NullPointerException.class, () -> ca.certifyPublicKey(null, "k", Duration.ofDays(1), TCG_AIK));
    }

    @Test
    void certificatesFromAnotherCaAreNotIssued() {
        CloudCa other = CloudCa.create("vtpcm cloud CA", dir);
        IssuedIdentity foreign = other.issueTlsIdentity(Role.NODE_MANAGER, "node-1", List.of(), List.of(), Duration.ofDays(1), true, true);
        assertFalse(ca.issued(foreign.certificate()));
        assertFalse(ca.issued(other.certificate()));
        assertTrue(other.issued(foreign.certificate()));
        assertFalse(ca.issued(null));
    }

    @Test
    void expiredAndNotYetValidCertificatesAreNotIssued() {
        X509Certificate shortLived = ca.issueTlsIdentity(Role.NODE_MANAGER, "n", List.of(), List.of(), Duration.ofHours(1), true, false)
                .certificate();
        Instant now = Instant.now();
        assertTrue(CloudCa.load(caDir, Clock.fixed(now.plus(Duration.ofMinutes(30)), ZoneOffset.UTC))
                .issued(shortLived));
        assertFalse(CloudCa.load(caDir, Clock.fixed(now.plus(Duration.ofHours(2)), ZoneOffset.UTC))
                .issued(shortLived));
        assertFalse(CloudCa.load(caDir, Clock.fixed(now.minus(Duration.ofHours(1)), ZoneOffset.UTC))
                .issued(shortLived));
    }

    @Test
    void expiredCaRefusesToIssue() {
        CloudCa late = CloudCa.load(caDir, Clock.fixed(Instant.now().plus(Duration.ofDays(4000)), ZoneOffset.UTC));
        assertThrows(IllegalStateException.class,
                () -> late.issueTlsIdentity(Role.NODE_MANAGER, "n", List.of(), List.of(), Duration.ofDays(1), true, false));
    }

    @Test
    void tamperedCertificateIsNotIssued() throws Exception {
        byte[] der = ca.issueTlsIdentity(Role.NODE_MANAGER, "node-1", List.of(), List.of(), Duration.ofDays(1), true, false)
                .certificate().getEncoded();
        // Flip a byte inside the subject's CN ("node-1" -> "node-0").
        String text = new String(der, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf("node-1") + 5;
        der[at] = '0';
        X509Certificate tampered = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(der));
        assertFalse(ca.issued(tampered));
    }

}
