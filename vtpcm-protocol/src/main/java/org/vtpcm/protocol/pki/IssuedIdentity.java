package org.vtpcm.protocol.pki;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A private key, its certificate and the certificate of the CA that issued it: everything a
 * node needs for mutual TLS.
 *
 * <p>On disk ({@link #writePem}/{@link #readPem}): {@code <baseName>.key} (PKCS#8, mode 0600),
 * {@code <baseName>.crt} and {@code ca.crt}, all PEM.
 */
public record IssuedIdentity(PrivateKey key, X509Certificate certificate, X509Certificate caCertificate) {

    static final String CA_CERTIFICATE_FILE = "ca.crt";

    public IssuedIdentity {
        Objects.requireNonNull(key, "key is null");
        Objects.requireNonNull(certificate, "certificate is null");
        Objects.requireNonNull(caCertificate, "caCertificate is null");
    }

    /** Writes {@code baseName.key} (0600), {@code baseName.crt} and {@code ca.crt} into {@code directory}. */
    public void writePem(Path directory, String baseName) {
        Objects.requireNonNull(directory, "directory is null");
        checkBaseName(baseName);
        Pem.writeCertificate(directory.resolve(CA_CERTIFICATE_FILE), caCertificate);
        Pem.writeCertificate(directory.resolve(baseName + ".crt"), certificate);
        Pem.writePrivateKey(directory.resolve(baseName + ".key"), key);
    }

    /**
     * Reads what {@link #writePem} wrote.
     *
     * @throws IllegalArgumentException if a file is malformed or the key does not match the certificate
     */
    public static IssuedIdentity readPem(Path directory, String baseName) {
        Objects.requireNonNull(directory, "directory is null");
        checkBaseName(baseName);
        Path keyFile = directory.resolve(baseName + ".key");
        Path certificateFile = directory.resolve(baseName + ".crt");
        PrivateKey key = Pem.readPrivateKey(keyFile);
        X509Certificate certificate = Pem.readCertificate(certificateFile);
        X509Certificate caCertificate = Pem.readCertificate(directory.resolve(CA_CERTIFICATE_FILE));
        if (!Keys.matches(key, certificate.getPublicKey())) {
            throw new IllegalArgumentException("private key " + keyFile + " does not match certificate "
                    + certificateFile);
        }
        return new IssuedIdentity(key, certificate, caCertificate);
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "IssuedIdentity[subject=" + certificate.getSubjectX500Principal().getName()
                + ", issuer=" + certificate.getIssuerX500Principal().getName()
                + ", notAfter=" + certificate.getNotAfter().toInstant() + "]";
    }

    private static void checkBaseName(String baseName) {
        Objects.requireNonNull(baseName, "baseName is null");
        if (baseName.isBlank() || baseName.equals(".") || baseName.equals("..")
                || baseName.contains("/") || baseName.contains("\\")) {
            throw new IllegalArgumentException("baseName must be a plain file name, got '" + baseName + "'");
        }
        // "ca" would overwrite the CA's own files when writing into the CA directory.
        if (baseName.equals("ca")) {
            throw new IllegalArgumentException("baseName 'ca' is reserved for the CA's own files");
        }
    }
}
