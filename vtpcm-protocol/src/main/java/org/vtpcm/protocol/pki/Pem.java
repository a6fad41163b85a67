package org.vtpcm.protocol.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Reads and writes PEM files: certificates ("CERTIFICATE"), PKCS#8 private keys ("PRIVATE KEY")
 * and X.509 public keys ("PUBLIC KEY").
 *
 * <p>Files are written atomically (temporary file, then an atomic rename); private keys are
 * created with mode 0600 from the start, everything else with 0644. Malformed input is reported
 * as an {@link IllegalArgumentException} naming the file (never its content); I/O failures as
 * {@link UncheckedIOException}.
 */
public final class Pem {

    static final String CERTIFICATE = "CERTIFICATE";
    static final String PRIVATE_KEY = "PRIVATE KEY";
    static final String PUBLIC_KEY = "PUBLIC KEY";

    private Pem() {
    }

    // ---- certificates ----

    /** The single certificate in {@code file}. */
    public static X509Certificate readCertificate(Path file) {
        List<X509Certificate> certificates = readCertificates(file);
        if (certificates.size() != 1) {
            throw new IllegalArgumentException(file + " contains " + certificates.size()
                    + " certificates, expected exactly one");
        }
        return certificates.get(0);
    }

    /** All certificates in {@code file}, in order; at least one. */
    public static List<X509Certificate> readCertificates(Path file) {
        return parseCertificates(readText(file), "file " + file);
    }

    public static void writeCertificate(Path file, X509Certificate certificate) {
        writeCertificates(file, List.of(certificate));
    }

    public static void writeCertificates(Path file, List<X509Certificate> certificates) {
        Objects.requireNonNull(file, "file is null");
        Objects.requireNonNull(certificates, "certificates is null");
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("no certificates to write to " + file);
        }
        List<PemObject> objects = new ArrayList<>();
        for (X509Certificate certificate : certificates) {
            objects.add(new PemObject(CERTIFICATE, encoded(certificate)));
        }
        AtomicFiles.write(file, format(objects), AtomicFiles.PUBLIC_READ);
    }

    /** {@code certificate} as PEM text. */
    public static String toPem(X509Certificate certificate) {
        return new String(format(List.of(new PemObject(CERTIFICATE, encoded(certificate)))), StandardCharsets.US_ASCII);
    }

    /** The single certificate in PEM {@code text}. */
    public static X509Certificate certificateFromPem(String text) {
        Objects.requireNonNull(text, "text is null");
        List<X509Certificate> certificates = parseCertificates(text, "PEM text");
        if (certificates.size() != 1) {
            throw new IllegalArgumentException("PEM text contains " + certificates.size()
                    + " certificates, expected exactly one");
        }
        return certificates.get(0);
    }

    // ---- private keys ----

    /** The PKCS#8 private key in {@code file}. */
    public static PrivateKey readPrivateKey(Path file) {
        byte[] der = single(readText(file), PRIVATE_KEY, "file " + file);
        try {
            return Keys.privateKey(der);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("file " + file + " does not hold a usable private key", e);
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    /** Writes {@code key} as PKCS#8 PEM; the file is created with mode 0600 and moved into place atomically. */
    public static void writePrivateKey(Path file, PrivateKey key) {
        Objects.requireNonNull(file, "file is null");
        Objects.requireNonNull(key, "key is null");
        byte[] der = key.getEncoded();
        if (der == null || !"PKCS#8".equals(key.getFormat())) {
            throw new IllegalArgumentException("private key cannot be exported as PKCS#8");
        }
        byte[] pem = format(List.of(new PemObject(PRIVATE_KEY, der)));
        try {
            AtomicFiles.write(file, pem, AtomicFiles.OWNER_ONLY);
        } finally {
            Arrays.fill(der, (byte) 0);
            Arrays.fill(pem, (byte) 0);
        }
    }

    // ---- public keys ----

    /** The X.509 SubjectPublicKeyInfo public key in {@code file}. */
    public static PublicKey readPublicKey(Path file) {
        return publicKey(single(readText(file), PUBLIC_KEY, "file " + file), "file " + file);
    }

    public static void writePublicKey(Path file, PublicKey key) {
        Objects.requireNonNull(file, "file is null");
        AtomicFiles.write(file, format(List.of(new PemObject(PUBLIC_KEY, encoded(key)))), AtomicFiles.PUBLIC_READ);
    }

    /** {@code key} as PEM text. */
    public static String toPem(PublicKey key) {
        return new String(format(List.of(new PemObject(PUBLIC_KEY, encoded(key)))), StandardCharsets.US_ASCII);
    }

    /** The public key in PEM {@code text}. */
    public static PublicKey publicKeyFromPem(String text) {
        Objects.requireNonNull(text, "text is null");
        return publicKey(single(text, PUBLIC_KEY, "PEM text"), "PEM text");
    }

    // ---- helpers ----

    private static PublicKey publicKey(byte[] der, String source) {
        try {
            return Keys.publicKey(der);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(source + " does not hold a usable public key", e);
        }
    }

    private static List<X509Certificate> parseCertificates(String text, String source) {
        List<X509Certificate> certificates = new ArrayList<>();
        for (PemObject object : parse(text, source)) {
            if (!CERTIFICATE.equals(object.getType())) {
                throw new IllegalArgumentException(source + " contains a PEM block of type '"
                        + object.getType() + "', expected " + CERTIFICATE);
            }
            try {
                certificates.add(Certificates.parse(object.getContent()));
            } catch (CertificateException e) {
                throw new IllegalArgumentException(source + " contains a malformed certificate", e);
            }
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(source + " contains no PEM " + CERTIFICATE + " block");
        }
        return certificates;
    }

    private static byte[] single(String text, String type, String source) {
        List<PemObject> objects = parse(text, source);
        if (objects.size() != 1) {
            throw new IllegalArgumentException(source + " must contain exactly one PEM " + type
                    + " block, found " + objects.size() + " PEM blocks");
        }
        PemObject object = objects.get(0);
        if (!type.equals(object.getType())) {
            throw new IllegalArgumentException(source + " contains a PEM block of type '" + object.getType()
                    + "', expected " + type);
        }
        return object.getContent();
    }

    private static List<PemObject> parse(String text, String source) {
        List<PemObject> objects = new ArrayList<>();
        try (PemReader reader = new PemReader(new StringReader(text))) {
            PemObject object;
            while ((object = reader.readPemObject()) != null) {
                objects.add(object);
            }
        } catch (IOException | RuntimeException e) {
            // BouncyCastle's messages describe structure, not content; still, keep ours generic.
            throw new IllegalArgumentException(source + " is not well-formed PEM", e);
        }
        return objects;
    }

    private static String readText(Path file) {
        Objects.requireNonNull(file, "file is null");
        try {
            // ISO-8859-1 maps every byte, so binary junk surfaces as malformed PEM, not as an I/O error.
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static byte[] format(List<PemObject> objects) {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            for (PemObject object : objects) {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot format PEM", e);
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] encoded(X509Certificate certificate) {
        Objects.requireNonNull(certificate, "certificate is null");
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be encoded", e);
        }
    }

    private static byte[] encoded(PublicKey key) {
        Objects.requireNonNull(key, "key is null");
        byte[] der = key.getEncoded();
        if (der == null || !"X.509".equals(key.getFormat())) {
            throw new IllegalArgumentException("public key cannot be exported as X.509 SubjectPublicKeyInfo");
        }
        return der;
    }
}
