package org.vtpcm.protocol.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.vtpcm.protocol.pki.Role;

/**
 * The cloud CA's PKIX checks, then two of ours on every handshake, both directions: the peer's
 * certificate carries exactly one {@link Role} from the accepted set, and it is not revoked.
 */
final class RoleTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager pkix;
    private final Set<Role> accepted;
    private final Revocations revocations;

    RoleTrustManager(X509ExtendedTrustManager pkix, Set<Role> accepted, Revocations revocations) {
        this.pkix = Objects.requireNonNull(pkix, "pkix is null");
        this.accepted = Set.copyOf(accepted);
        this.revocations = Objects.requireNonNull(revocations, "revocations is null");
        if (this.accepted.isEmpty()) {
            throw new IllegalArgumentException("a TLS context must accept at least one peer role");
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pkix.checkClientTrusted(chain, authType);
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        pkix.checkClientTrusted(chain, authType, socket);
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        pkix.checkClientTrusted(chain, authType, engine);
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pkix.checkServerTrusted(chain, authType);
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        pkix.checkServerTrusted(chain, authType, socket);
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        pkix.checkServerTrusted(chain, authType, engine);
        check(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        X509Certificate leaf = chain[0];
        Role role = Role.of(leaf).orElseThrow(() -> new CertificateException(
                "the peer's certificate carries no single vtpcm role (serial " + leaf.getSerialNumber().toString(16) + ")"));
        if (!accepted.contains(role)) {
            throw new CertificateException("a " + role.label() + " certificate is not accepted here (accepted: "
                    + accepted.stream().map(Role::label).sorted().collect(Collectors.joining(", ")) + ")");
        }
        if (revocations.isRevoked(leaf)) {
            throw new CertificateException("the peer's certificate (serial " + leaf.getSerialNumber().toString(16) + ") is revoked");
        }
    }
}
