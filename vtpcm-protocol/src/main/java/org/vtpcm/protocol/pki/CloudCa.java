package org.vtpcm.protocol.pki;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud's certificate authority: issues the TLS identities of controllers and nodes and
 * certifies externally generated keys (e.g. a TPM attestation key).
 *
 * <p>The CA and all TLS identities use EC P-256 keys with SHA256withECDSA, not SM2: TLS with SM
 * cipher suites (RFC 8998) does not work with BouncyCastle's TLS stack, and the JDK's SunJSSE has
 * none, so the PKI uses P-256 and the SM algorithms are used above TLS by the
 * {@link org.vtpcm.protocol.crypto.CryptoSuite}. {@link #certifyPublicKey} still accepts SM2 keys.
 *
 * <p>On disk: {@code ca.key} (PKCS#8 PEM, mode 0600) and {@code ca.crt} in the CA directory.
 * Certificates start five minutes in the past to tolerate clock skew between hosts, and never
 * outlive the CA certificate.
 */
public final class CloudCa {

    /** The engine's certificate name: the name nodes expect of the engine, never a node's. */
    public static final String ENGINE_NAME = "vtpcm-engine";
    public static final String KEY_FILE = "ca.key";
    public static final String CERTIFICATE_FILE = "ca.crt";

    private static final Logger LOG = LoggerFactory.getLogger(CloudCa.class);
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

    private final PrivateKey key;
    private final X509Certificate certificate;
    private final Clock clock;
    private final SecureRandom random;

    private CloudCa(PrivateKey key, X509Certificate certificate, Clock clock) {
        this.key = Objects.requireNonNull(key, "key is null");
        this.certificate = Objects.requireNonNull(certificate, "certificate is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.random = new SecureRandom();
    }

    /** {@link #create(String, Path, Clock)} with the system clock. */
    public static CloudCa create(String commonName, Path directory) {
        return create(commonName, directory, Clock.systemUTC());
    }

    /**
     * Creates a new CA: a P-256 key and a self-signed certificate valid for 10 years, written to
     * {@code directory/ca.key} (0600) and {@code directory/ca.crt}.
     *
     * @throws IllegalStateException if {@code directory/ca.key} already exists
     */
    public static CloudCa create(String commonName, Path directory, Clock clock) {
        X500Name subject = name(commonName);
        Objects.requireNonNull(directory, "directory is null");
        Objects.requireNonNull(clock, "clock is null");
        Path keyFile = directory.resolve(KEY_FILE);
        if (Files.exists(keyFile)) {
            throw new IllegalStateException("a CA key already exists at " + keyFile
                    + "; refusing to overwrite it (use CloudCa.load)");
        }
        SecureRandom random = new SecureRandom();
        KeyPair pair = newP256KeyPair(random);
        Instant now = clock.instant();
        SubjectPublicKeyInfo publicKeyInfo = SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded());
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(subject, serial(random),
                Date.from(now.minus(CLOCK_SKEW)), Date.from(now.plus(CA_VALIDITY)), subject, publicKeyInfo);
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(publicKeyInfo));
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the CA certificate", e);
        }
        X509Certificate certificate = Certificates.toJca(builder.build(signer(pair.getPrivate())));
        // Certificate first: a crash in between leaves no key, so create can simply run again.
        Pem.writeCertificate(directory.resolve(CERTIFICATE_FILE), certificate);
        Pem.writePrivateKey(keyFile, pair.getPrivate());
        LOG.info("created cloud CA '{}' in {}", commonName, directory);
        return new CloudCa(pair.getPrivate(), certificate, clock);
    }

    /** {@link #load(Path, Clock)} with the system clock. */
    public static CloudCa load(Path directory) {
        return load(directory, Clock.systemUTC());
    }

    /**
     * Loads a CA written by {@link #create}.
     *
     * @throws IllegalArgumentException if the files are malformed, the key does not match the
     *         certificate, or the certificate is not a CA certificate
     */
    public static CloudCa load(Path directory, Clock clock) {
        Objects.requireNonNull(directory, "directory is null");
        Path keyFile = directory.resolve(KEY_FILE);
        Path certificateFile = directory.resolve(CERTIFICATE_FILE);
        PrivateKey key = Pem.readPrivateKey(keyFile);
        X509Certificate certificate = Pem.readCertificate(certificateFile);
        if (certificate.getBasicConstraints() < 0) {
            throw new IllegalArgumentException(certificateFile + " is not a CA certificate");
        }
        if (!Keys.matches(key, certificate.getPublicKey())) {
            throw new IllegalArgumentException(keyFile + " does not match " + certificateFile);
        }
        return new CloudCa(key, certificate, clock);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * Issues a TLS identity: a new P-256 key and a certificate with the given subjectAltNames,
     * keyUsage digitalSignature and extendedKeyUsage serverAuth and/or clientAuth plus the
     * identity's {@link Role}.
     *
     * @param ipAddresses IPv4 or IPv6 literals (never resolved)
     */
    public IssuedIdentity issueTlsIdentity(Role role, String commonName, List<String> dnsNames, List<String> ipAddresses,
                                           Duration validity, boolean serverAuth, boolean clientAuth) {
        KeyPair pair = newP256KeyPair(random);
        return new IssuedIdentity(pair.getPrivate(),
                certifyTlsKey(role, pair.getPublic(), commonName, dnsNames, ipAddresses, validity, serverAuth, clientAuth), certificate);
    }

    /**
     * Certifies a TLS key generated elsewhere, e.g. by a node that keeps its private key: the same
     * certificate {@link #issueTlsIdentity} issues (subjectAltNames, keyUsage digitalSignature,
     * extendedKeyUsage serverAuth and/or clientAuth).
     *
     * @param subjectKey  an EC P-256 public key, the only kind our TLS peers (SunJSSE, GnuTLS) are given
     * @param ipAddresses IPv4 or IPv6 literals (never resolved)
     * @throws IllegalArgumentException if the key is not EC P-256 or a name is invalid
     */
    public X509Certificate certifyTlsKey(Role role, PublicKey subjectKey, String commonName, List<String> dnsNames,
                                         List<String> ipAddresses, Duration validity, boolean serverAuth, boolean clientAuth) {
        Objects.requireNonNull(role, "role is null");
        Objects.requireNonNull(subjectKey, "subjectKey is null");
        X500Name subject = name(commonName);
        List<GeneralName> altNames = altNames(dnsNames, ipAddresses);
        if (!serverAuth && !clientAuth) {
            throw new IllegalArgumentException("a TLS identity needs serverAuth, clientAuth or both");
        }
        requireTlsKey(subjectKey);
        List<KeyPurposeId> purposes = new ArrayList<>();
        if (serverAuth) {
            purposes.add(KeyPurposeId.id_kp_serverAuth);
        }
        if (clientAuth) {
            purposes.add(KeyPurposeId.id_kp_clientAuth);
        }
        purposes.add(KeyPurposeId.getInstance(new ASN1ObjectIdentifier(role.oid())));
        X509v3CertificateBuilder builder = leafBuilder(subject, subjectKey, validity);
        try {
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new)));
            if (!altNames.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(altNames.toArray(GeneralName[]::new)));
            }
        } catch (CertIOException e) {
            throw new IllegalStateException("cannot build the certificate for '" + commonName + "'", e);
        }
        X509Certificate issued = Certificates.toJca(builder.build(signer(key)));
        LOG.info("issued TLS certificate for '{}' (role {}, serial {}, server={}, client={})",
                commonName, role.label(), issued.getSerialNumber().toString(16), serverAuth, clientAuth);
        return issued;
    }

    /** A new EC P-256 key pair, the kind {@link #certifyTlsKey} accepts (for a party that generates its own TLS key). */
    public static KeyPair newTlsKeyPair() {
        return newP256KeyPair(new SecureRandom());
    }

    /**
     * Checks that {@code subjectKey} is a key {@link #certifyTlsKey} certifies: EC P-256.
     *
     * @throws IllegalArgumentException otherwise
     */
    public static void requireTlsKey(PublicKey subjectKey) {
        Objects.requireNonNull(subjectKey, "subjectKey is null");
        byte[] encoded = subjectKey.getEncoded();
        AlgorithmIdentifier algorithm;
        try {
            algorithm = SubjectPublicKeyInfo.getInstance(encoded).getAlgorithm();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the TLS key is not an X.509 SubjectPublicKeyInfo", e);
        }
        boolean p256 = X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm.getAlgorithm()) && algorithm.getParameters() != null
                && X9ObjectIdentifiers.prime256v1.equals(algorithm.getParameters().toASN1Primitive());
        if (!p256) {
            throw new IllegalArgumentException("a TLS key must be EC P-256, got " + subjectKey.getAlgorithm());
        }
    }

    /**
     * Certifies an externally generated public key (EC on any curve BouncyCastle knows, including
     * SM2 sm2p256v1, or RSA), e.g. a TPM attestation key. The certificate's extendedKeyUsage is
     * {@code purposeOid}, which states what the key is for; no keyUsage is set, so the purpose
     * alone decides.
     */
    public X509Certificate certifyPublicKey(PublicKey subjectKey, String commonName, Duration validity,
                                            String purposeOid) {
        Objects.requireNonNull(subjectKey, "subjectKey is null");
        X500Name subject = name(commonName);
        Objects.requireNonNull(purposeOid, "purposeOid is null");
        KeyPurposeId purpose;
        try {
            purpose = KeyPurposeId.getInstance(new ASN1ObjectIdentifier(purposeOid));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("purposeOid is not a valid OID: '" + purposeOid + "'", e);
        }
        X509v3CertificateBuilder builder = leafBuilder(subject, subjectKey, validity);
        try {
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        } catch (CertIOException e) {
            throw new IllegalStateException("cannot build the certificate for '" + commonName + "'", e);
        }
        X509Certificate issued = Certificates.toJca(builder.build(signer(key)));
        LOG.info("certified a {} key for '{}' (serial {}, purpose {})", subjectKey.getAlgorithm(),
                commonName, issued.getSerialNumber().toString(16), purposeOid);
        return issued;
    }

    /**
     * Issues a certificate revocation list (RFC 5280, X.509 v2 CRL) naming {@code serials},
     * signed by this CA. {@code number} is the CRL number: holders refuse a list older than the
     * one they have, so a replayed old list cannot un-revoke anyone.
     */
    public X509CRL issueRevocationList(Collection<BigInteger> serials, BigInteger number, Duration nextUpdate) {
        Objects.requireNonNull(serials, "serials is null");
        Objects.requireNonNull(number, "number is null");
        Objects.requireNonNull(nextUpdate, "nextUpdate is null");
        if (number.signum() < 0) {
            throw new IllegalArgumentException("the CRL number must not be negative");
        }
        Instant now = clock.instant();
        X509v2CRLBuilder builder = new X509v2CRLBuilder(
                X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()), Date.from(now.minus(CLOCK_SKEW)));
        builder.setNextUpdate(Date.from(now.plus(nextUpdate)));
        for (BigInteger serial : serials) {
            builder.addCRLEntry(Objects.requireNonNull(serial, "serials contains null"), Date.from(now), CRLReason.superseded);
        }
        try {
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate));
            return new JcaX509CRLConverter().getCRL(builder.build(signer(key)));
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the revocation list", e);
        }
    }

    /** Whether this CA signed {@code certificate} and it is valid now. False, never an exception, otherwise. */
    public boolean issued(X509Certificate certificate) {
        if (certificate == null) {
            return false;
        }
        try {
            X509CertificateHolder holder = new JcaX509CertificateHolder(certificate);
            X509CertificateHolder ca = new JcaX509CertificateHolder(this.certificate);
            return holder.getIssuer().equals(ca.getSubject())
                    && holder.isSignatureValid(new JcaContentVerifierProviderBuilder().build(this.certificate))
                    && holder.isValidOn(Date.from(clock.instant()));
        } catch (Exception e) {
            // Malformed or foreign certificates are simply not ours.
            return false;
        }
    }

    @Override
    public String toString() {
        return "CloudCa[" + certificate.getSubjectX500Principal().getName() + "]";
    }

    private X509v3CertificateBuilder leafBuilder(X500Name subject, PublicKey subjectKey, Duration validity) {
        Objects.requireNonNull(validity, "validity is null");
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive, got " + validity);
        }
        byte[] encodedKey = subjectKey.getEncoded();
        if (encodedKey == null) {
            throw new IllegalArgumentException("subject key (" + subjectKey.getAlgorithm() + ") has no X.509 encoding");
        }
        SubjectPublicKeyInfo publicKeyInfo;
        try {
            publicKeyInfo = SubjectPublicKeyInfo.getInstance(encodedKey);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("subject key (" + subjectKey.getAlgorithm()
                    + ") is not an X.509 SubjectPublicKeyInfo", e);
        }
        Instant now = clock.instant();
        Instant notAfter = now.plus(validity);
        Instant caNotAfter = certificate.getNotAfter().toInstant();
        if (notAfter.isAfter(caNotAfter)) {
            notAfter = caNotAfter;
        }
        if (!notAfter.isAfter(now)) {
            throw new IllegalStateException("the CA certificate has expired; cannot issue certificates");
        }
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(
                X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()), serial(random),
                Date.from(now.minus(CLOCK_SKEW)), Date.from(notAfter), subject, publicKeyInfo);
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(publicKeyInfo));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    utils.createAuthorityKeyIdentifier(certificate));
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build certificate extensions", e);
        }
        return builder;
    }

    private static ContentSigner signer(PrivateKey key) {
        try {
            return new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(key);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign with the CA key", e);
        }
    }

    private static KeyPair newP256KeyPair(SecureRandom random) {
        try {
            // The JDK's own provider, so that SunJSSE gets keys it handles natively.
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a P-256 key pair", e);
        }
    }

    /** A random positive 128-bit serial number (RFC 5280 allows up to 20 octets). */
    private static BigInteger serial(SecureRandom random) {
        BigInteger serial;
        do {
            serial = new BigInteger(128, random);
        } while (serial.signum() == 0);
        return serial;
    }

    private static X500Name name(String commonName) {
        Objects.requireNonNull(commonName, "commonName is null");
        if (commonName.isBlank()) {
            throw new IllegalArgumentException("commonName is blank");
        }
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    private static List<GeneralName> altNames(List<String> dnsNames, List<String> ipAddresses) {
        Objects.requireNonNull(dnsNames, "dnsNames is null");
        Objects.requireNonNull(ipAddresses, "ipAddresses is null");
        List<GeneralName> names = new ArrayList<>();
        for (String dns : dnsNames) {
            Objects.requireNonNull(dns, "dnsNames contains null");
            if (dns.isEmpty() || !dns.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("not a valid DNS name: '" + dns + "'");
            }
            names.add(new GeneralName(GeneralName.dNSName, dns));
        }
        for (String ip : ipAddresses) {
            Objects.requireNonNull(ip, "ipAddresses contains null");
            if (ip.contains("/")) {
                throw new IllegalArgumentException("not an IP address literal (no prefix length allowed): '" + ip + "'");
            }
            try {
                names.add(new GeneralName(GeneralName.iPAddress, ip));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not an IP address literal: '" + ip + "'", e);
            }
        }
        return names;
    }
}
