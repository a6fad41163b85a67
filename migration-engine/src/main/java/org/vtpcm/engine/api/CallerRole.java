package org.vtpcm.engine.api;

import io.javalin.http.Context;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.Set;
import org.vtpcm.engine.certificates.CertificateRefusal;
import org.vtpcm.protocol.pki.Certificates;
import org.vtpcm.protocol.pki.Role;
import org.vtpcm.protocol.tls.Revocations;
import org.vtpcm.service.rest.ForbiddenException;
import org.vtpcm.service.rest.Requests;

/**
 * Who calls: the role in the client certificate Jetty verified (never its name), checked against
 * {@link EndpointAccess}. A compute service's certificate must also name a configured host
 * ({@code nova-compute.<host>}): that host is the only side of a migration it may act for.
 */
final class CallerRole {
    static final String COMPUTE_PREFIX = "nova-compute.";
    private static final String ATTRIBUTE = "vtpcm.caller";

    private CallerRole() {
    }

    /** A verified caller: its role, its certificate's common name, and for a compute service its host. */
    record Caller(Role role, String name, Optional<String> computeNode) {
    }

    /**
     * Identifies the caller (403 without a role, for a compute service of an unknown host, or 403
     * REVOKED for a certificate revoked since its connection's handshake); remembered for the handlers.
     */
    static Caller identify(Context context, Set<String> nodeNames, Revocations revocations) {
        X509Certificate certificate = certificate(context);
        if (certificate != null && revocations.isRevoked(certificate)) {
            throw new CertificateRefusal(403, "REVOKED", "the client certificate " + certificate.getSerialNumber().toString(16)
                    + " is revoked");
        }
        Caller caller = of(certificate, nodeNames);
        context.attribute(ATTRIBUTE, caller);
        return caller;
    }

    /** The endpoint's allow-list decides (403 otherwise). */
    static void check(Context context) {
        Caller caller = context.attribute(ATTRIBUTE);
        if (caller == null) {
            throw new ForbiddenException("the caller was not identified");
        }
        if (!EndpointAccess.allows(caller.role(), context.method().name(), context.path())) {
            throw new ForbiddenException("a " + caller.role().label() + " certificate may not call " + context.method() + " " + context.path());
        }
    }

    static Caller of(X509Certificate certificate, Set<String> nodeNames) {
        if (certificate == null) {
            throw new ForbiddenException("a client certificate of the cloud CA is required");
        }
        Role role = Role.of(certificate).orElseThrow(() -> new ForbiddenException("the client certificate carries no single role"));
        String name = Certificates.commonName(certificate).orElse("");
        if (role != Role.NOVA_COMPUTE) {
            return new Caller(role, name, Optional.empty());
        }
        String node = name.startsWith(COMPUTE_PREFIX) ? name.substring(COMPUTE_PREFIX.length()) : "";
        if (!nodeNames.contains(node)) {
            throw new ForbiddenException("a compute service's certificate must be nova-compute.<host> of a configured host, not '" + name + "'");
        }
        return new Caller(role, name, Optional.of(node));
    }

    /** The common name of the caller's certificate, as {@link #identify} recorded it. */
    static String caller(Context context) {
        Caller caller = context.attribute(ATTRIBUTE);
        return caller == null ? null : caller.name();
    }

    /** The host of a compute-service caller, empty for every other role. */
    static Optional<String> computeNode(Context context) {
        Caller caller = context.attribute(ATTRIBUTE);
        return caller == null ? Optional.empty() : caller.computeNode();
    }

    private static X509Certificate certificate(Context context) {
        return Requests.clientCertificate(context).orElse(null);
    }
}
