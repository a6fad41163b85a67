package org.vtpcm.protocol.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.bouncycastle.cert.X509CertificateHolder;
import org.vtpcm.protocol.crypto.BouncyCastle;

/**
 * Parses DER certificates into JCA objects: the JDK's own X.509 implementation when it can
 * (SunJSSE prefers it), BouncyCastle's for keys the JDK does not know (e.g. SM2).
 */
final class Certificates {

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

    static X509Certificate toJca(X509CertificateHolder holder) {
        try {
            return parse(holder.getEncoded());
        } catch (CertificateException | IOException e) {
            throw new IllegalStateException("cannot convert a freshly built certificate", e);
        }
    }
}
