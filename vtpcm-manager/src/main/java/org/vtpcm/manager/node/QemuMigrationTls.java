package org.vtpcm.manager.node;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.vtpcm.protocol.pki.IssuedIdentity;
import org.vtpcm.protocol.pki.Pem;

/**
 * The node's QEMU migration TLS identity on disk, in the layout QEMU's {@code tls-creds-x509}
 * object reads from the folder that qemu.conf's {@code migrate_tls_x509_cert_dir} names. One
 * identity (serverAuth and clientAuth) serves both ends: the node is the server of incoming and
 * the client of outgoing migrations. Keys are PKCS#8 PEM, mode 0600, and carry the public key:
 * GnuTLS (3.7) refuses an EC private key without it, and the JDK leaves it out.
 */
public final class QemuMigrationTls {
    public static final String CA_CERTIFICATE = "ca-cert.pem";
    public static final String SERVER_CERTIFICATE = "server-cert.pem";
    public static final String SERVER_KEY = "server-key.pem";
    public static final String CLIENT_CERTIFICATE = "client-cert.pem";
    public static final String CLIENT_KEY = "client-key.pem";
    /** Every file QEMU reads, in the order they are written. */
    public static final List<String> FILES = List.of(CA_CERTIFICATE, SERVER_KEY, SERVER_CERTIFICATE, CLIENT_KEY,
            CLIENT_CERTIFICATE);

    private QemuMigrationTls() {
    }

    /** Writes the five files into {@code directory} (created if missing), replacing earlier ones. */
    public static void write(IssuedIdentity identity, Path directory) {
        requireNonNull(identity, "identity is null");
        requireNonNull(directory, "directory is null");
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
        PrivateKey key = withPublicKey(identity.key(), identity.certificate().getPublicKey());
        Pem.writeCertificate(directory.resolve(CA_CERTIFICATE), identity.caCertificate());
        Pem.writePrivateKey(directory.resolve(SERVER_KEY), key);
        Pem.writeCertificate(directory.resolve(SERVER_CERTIFICATE), identity.certificate());
        Pem.writePrivateKey(directory.resolve(CLIENT_KEY), key);
        Pem.writeCertificate(directory.resolve(CLIENT_CERTIFICATE), identity.certificate());
    }

    /** Reads the server identity back (the client's is the same). */
    public static IssuedIdentity read(Path directory) {
        requireNonNull(directory, "directory is null");
        return new IssuedIdentity(Pem.readPrivateKey(directory.resolve(SERVER_KEY)), Pem.readCertificate(directory.resolve(
                SERVER_CERTIFICATE)), Pem.readCertificate(directory.resolve(CA_CERTIFICATE)));
    }

    /** An EC key whose PKCS#8 encoding includes the optional publicKey field of RFC 5915's ECPrivateKey. */
    static PrivateKey withPublicKey(PrivateKey key, PublicKey publicKey) {
        if (!(key instanceof ECPrivateKey ec)) {
            return key;
        }
        try {
            SubjectPublicKeyInfo publicInfo = SubjectPublicKeyInfo.getInstance(publicKey.getEncoded());
            int orderBits = ec.getParams().getOrder().bitLength();
            PrivateKeyInfo info = new PrivateKeyInfo(publicInfo.getAlgorithm(),
                    new org.bouncycastle.asn1.sec.ECPrivateKey(orderBits, ec.getS(), publicInfo.getPublicKeyData(), null));
            // The JDK keeps the encoding it was given, so getEncoded() returns this full form.
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded(ASN1Encoding.DER)));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode the QEMU TLS key", e);
        }
    }
}
