package org.vtpcm.protocol.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cert.X509CertificateHolder;
import org.vtpcm.protocol.crypto.BouncyCastle;

/**
 * Parses DER certificates into JCA objects: the JDK's own X.509 implementation when it can
 * (SunJSSE prefers it), BouncyCastle's for keys the JDK does not know (e.g. SM2); and reads the
 * one name every party checks, the subject's common name.
 */
public final class Certificates {

    private Certificates() {
    }

    static X509Certificate parse(byte[] der) throws CertificateException {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException jdkFailure) {
            try {
                return (X509Certificate) CertificateFactory.getInstance("X.509", BouncyCastle.provider())
                        .generateCertificate(new ByteArrayInputStream(der));
            } catch (CertificateException | RuntimeException bcFailure) {
                CertificateException failure = new CertificateException("not a valid X.509 certificate", bcFailure);
                failure.addSuppressed(jdkFailure);
                throw failure;
            }
        }
    }

    /** The subject's (first) common name; empty when it has none. */
    public static Optional<String> commonName(X509Certificate certificate) {
        RDN[] names = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN);
        if (names.length == 0) {
            return Optional.empty();
        }
        ASN1Encodable value = names[0].getFirst().getValue();
        return Optional.of(value instanceof ASN1String text ? text.getString() : value.toString());
    }

    static X509Certificate toJca(X509CertificateHolder holder) {
        try {
            return parse(holder.getEncoded());
        } catch (CertificateException | IOException e) {
            throw new IllegalStateException("cannot convert a freshly built certificate", e);
        }
    }
}
