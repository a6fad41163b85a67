package org.vtpcm.manager.api;

import io.javalin.http.Context;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.vtpcm.protocol.pki.Certificates;
import org.vtpcm.protocol.pki.Role;
import org.vtpcm.service.rest.Requests;

/** Who called: the role and common name of the client certificate the TLS handshake verified (the cloud CA issued it). */
final class ClientCertificate {
    private ClientCertificate() {
    }

    /** The one role the caller's certificate carries; empty without a certificate or a role. */
    static Optional<Role> role(Context context) {
        return leaf(context).flatMap(Role::of);
    }

    static Optional<String> commonName(Context context) {
        return leaf(context).flatMap(Certificates::commonName);
    }

    static Optional<X509Certificate> leaf(Context context) {
        return Requests.clientCertificate(context);
    }
}
