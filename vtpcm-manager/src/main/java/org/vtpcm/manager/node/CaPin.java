package org.vtpcm.manager.node;

import static java.util.Objects.requireNonNull;

import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import org.vtpcm.protocol.tls.PinnedCaTls;

/**
 * How a node without a certificate knows the cloud CA before enrolling: its certificate (a file the
 * operator copied) or the SHA-256 fingerprint of it (a string the operator passed on).
 */
public final class CaPin {
    private final X509Certificate certificate;
    private final String fingerprint;

    private CaPin(X509Certificate certificate, String fingerprint) {
        this.certificate = certificate;
        this.fingerprint = fingerprint;
    }

    public static CaPin certificate(X509Certificate ca) {
        requireNonNull(ca, "ca is null");
        if (ca.getBasicConstraints() < 0) {
            throw new IllegalArgumentException("the pinned certificate is not a CA certificate");
        }
        return new CaPin(ca, PinnedCaTls.fingerprint(ca));
    }

    /** @throws IllegalArgumentException unless {@code fingerprint} is {@code sha256:} and 64 hex digits */
    public static CaPin fingerprint(String fingerprint) {
        return new CaPin(null, PinnedCaTls.parseFingerprint(fingerprint));
    }

    /** A TLS 1.3 client context trusting only the pinned CA and a server named {@code serverName}. */
    public SSLContext tls(String serverName) {
        return certificate != null ? PinnedCaTls.trustingCertificate(certificate, serverName)
                : PinnedCaTls.trustingFingerprint(fingerprint, serverName);
    }

    /** Whether {@code ca} is the pinned CA. */
    public boolean matches(X509Certificate ca) {
        return certificate != null ? certificate.equals(ca) : PinnedCaTls.matches(ca, fingerprint);
    }

    @Override
    public String toString() {
        return fingerprint;
    }
}
