package org.vtpcm.protocol.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Extension;
import org.vtpcm.protocol.pki.AtomicFiles;

/**
 * The cloud CA's current revocation list as one holder (a manager, the engine's clients) sees it.
 * A list is installed only when the CA signed it and its CRL number is not lower than the one
 * held: an attacker can neither forge one nor replay an older one to un-revoke a certificate.
 * With a file, every installed list is written there (atomically) and read back at start-up.
 */
public final class RevocationList implements Revocations {
    private final X509Certificate ca;
    private final Optional<Path> file;
    private final AtomicReference<X509CRL> current = new AtomicReference<>();

    private RevocationList(X509Certificate ca, Optional<Path> file) {
        this.ca = Objects.requireNonNull(ca, "ca is null");
        this.file = file;
    }

    /** A list held in memory only, empty until the first {@link #install}. */
    public static RevocationList inMemory(X509Certificate ca) {
        return new RevocationList(ca, Optional.empty());
    }

    /**
     * A list persisted in {@code file}: loaded from it when it exists (and refused at start-up when
     * it is not the CA's), written on every install.
     */
    public static RevocationList persistent(X509Certificate ca, Path file) {
        RevocationList list = new RevocationList(ca, Optional.of(Objects.requireNonNull(file, "file is null")));
        if (Files.exists(file)) {
            try {
                list.accept(parse(Files.readAllBytes(file)));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the revocation list " + file, e);
            }
        }
        return list;
    }

    /**
     * Installs a DER-encoded CRL.
     *
     * @return true when it replaced the held list, false when it is the one already held
     * @throws IllegalArgumentException when it is malformed, not signed by the CA, or older than the held one
     */
    public boolean install(byte[] der) {
        X509CRL crl = parse(der);
        X509CRL previous = current.get();
        if (previous != null && number(previous).equals(number(crl)) && previous.equals(crl)) {
            return false;
        }
        accept(crl);
        file.ifPresent(path -> AtomicFiles.writePublic(path, der));
        return true;
    }

    @Override
    public boolean isRevoked(X509Certificate certificate) {
        X509CRL crl = current.get();
        return crl != null && crl.getRevokedCertificate(certificate.getSerialNumber()) != null;
    }

    /** The CRL number held, -1 when none is. */
    public BigInteger number() {
        X509CRL crl = current.get();
        return crl == null ? BigInteger.ONE.negate() : number(crl);
    }

    /** The held list, DER-encoded, if any. */
    public Optional<byte[]> encoded() {
        X509CRL crl = current.get();
        if (crl == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(crl.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode the revocation list", e);
        }
    }

    private synchronized void accept(X509CRL crl) {
        try {
            crl.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the revocation list is not signed by the cloud CA");
        }
        if (!crl.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
            throw new IllegalArgumentException("the revocation list is not issued by the cloud CA");
        }
        X509CRL previous = current.get();
        if (previous != null && number(crl).compareTo(number(previous)) < 0) {
            throw new IllegalArgumentException("the revocation list number " + number(crl)
                    + " is older than the held one (" + number(previous) + ")");
        }
        current.set(crl);
    }

    private static X509CRL parse(byte[] der) {
        Objects.requireNonNull(der, "der is null");
        try {
            return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("not a DER-encoded X.509 CRL");
        }
    }

    private static BigInteger number(X509CRL crl) {
        byte[] extension = crl.getExtensionValue(Extension.cRLNumber.getId());
        if (extension == null) {
            throw new IllegalArgumentException("the revocation list has no CRL number");
        }
        try {
            return ASN1Integer.getInstance(ASN1OctetString.getInstance(extension).getOctets()).getValue();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the revocation list's CRL number is malformed");
        }
    }
}
