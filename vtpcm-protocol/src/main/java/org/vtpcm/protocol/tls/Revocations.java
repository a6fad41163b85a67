package org.vtpcm.protocol.tls;

import java.security.cert.X509Certificate;

/** Which certificates of the cloud CA are revoked; asked on every TLS handshake. */
@FunctionalInterface
public interface Revocations {
    /** Nothing is revoked: only for contexts that have no revocation source (tests, one-shot tools). */
    Revocations NONE = certificate -> false;

    boolean isRevoked(X509Certificate certificate);
}
