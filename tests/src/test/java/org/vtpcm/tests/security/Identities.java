package org.vtpcm.tests.security;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.vtpcm.manager.node.QemuMigrationTls;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.IssuedIdentity;
import org.vtpcm.protocol.pki.Pem;
import org.vtpcm.protocol.pki.Role;

/** The identities the attack suite plays: real ones from the lab, and forged or outdated ones. */
final class Identities {
    private Identities() {
    }

    /** QEMU's migration identity of a node, as the manager wrote it for QEMU (client side). */
    static IssuedIdentity qemu(Path qemuTlsDirectory) {
        return new IssuedIdentity(Pem.readPrivateKey(qemuTlsDirectory.resolve(QemuMigrationTls.CLIENT_KEY)),
                Pem.readCertificate(qemuTlsDirectory.resolve(QemuMigrationTls.CLIENT_CERTIFICATE)),
                Pem.readCertificate(qemuTlsDirectory.resolve(QemuMigrationTls.CA_CERTIFICATE)));
    }

    /**
     * A certificate signed with the real cloud CA's key but with the given roles (none: as issued
     * before roles existed; two: a certificate that would pass for either).
     */
    static IssuedIdentity forged(Path caDirectory, String commonName, List<Role> roles) throws Exception {
        PrivateKey caKey = Pem.readPrivateKey(caDirectory.resolve(CloudCa.KEY_FILE));
        X509Certificate ca = Pem.readCertificate(caDirectory.resolve(CloudCa.CERTIFICATE_FILE));
        KeyPair pair = CloudCa.newTlsKeyPair();
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
                new BigInteger(120, new SecureRandom()).add(BigInteger.ONE), Date.from(now.minusSeconds(300)),
                Date.from(now.plusSeconds(3600)), new X500Name("CN=" + commonName), SubjectPublicKeyInfo.getInstance(
                pair.getPublic().getEncoded()));
        List<KeyPurposeId> purposes = new ArrayList<>(List.of(KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth));
        for (Role role : roles) {
            purposes.add(KeyPurposeId.getInstance(new ASN1ObjectIdentifier(role.oid())));
        }
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new)));
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey)));
        return new IssuedIdentity(pair.getPrivate(), certificate, ca);
    }

    /**
     * A plain JSSE context (no role or protocol restrictions of ours) for the given protocol, with
     * or without a client identity, trusting the cloud CA: the downgrade and no-certificate attacks.
     */
    static SSLContext plain(IssuedIdentity identity, X509Certificate ca, String protocol) throws Exception {
        char[] password = "probe".toCharArray();
        KeyManagerFactory keys = KeyManagerFactory.getInstance("PKIX");
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        if (identity != null) {
            keyStore.setKeyEntry("identity", identity.key(), password, new Certificate[] {identity.certificate(), ca});
        }
        keys.init(keyStore, password);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", ca);
        TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance(protocol);
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), new SecureRandom());
        return context;
    }
}
