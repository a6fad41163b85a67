package org.vtpcm.manager.api;

import io.javalin.http.Context;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/** Who called: the common name of the client certificate the TLS handshake verified (the cloud CA issued it). */
final class ClientCertificate {
    /** Where Jetty puts the verified client chain (the servlet specification's attribute). */
    static final String CHAIN_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

    private ClientCertificate() {
    }

    static Optional<String> commonName(Context context) {
        Object chain = context.req().getAttribute(CHAIN_ATTRIBUTE);
        if (!(chain instanceof X509Certificate[] certificates) || certificates.length == 0) {
            return Optional.empty();
        }
        try {
            LdapName subject = new LdapName(certificates[0].getSubjectX500Principal().getName(X500Principal.RFC2253));
            return subject.getRdns().stream().filter(rdn -> rdn.getType().equalsIgnoreCase("CN")).map(Rdn::getValue)
                    .map(String::valueOf).findFirst();
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
    }
}
