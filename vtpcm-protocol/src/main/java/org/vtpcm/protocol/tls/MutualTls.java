package org.vtpcm.protocol.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.vtpcm.protocol.pki.Certificates;
import org.vtpcm.protocol.pki.IssuedIdentity;
import org.vtpcm.protocol.pki.Role;

/**
 * Mutual TLS between vtpcm components, on the JDK's SunJSSE: TLS 1.3 only, each side presents
 * its {@link IssuedIdentity} and trusts only the cloud CA (never the JDK's cacerts).
 *
 * <p>No host name verification is done: peers are authenticated by being issued by the cloud
 * CA and by the {@link Role} their certificate carries (checked in the handshake against the
 * context's accepted roles, with revocation); callers that care which node the peer is check
 * {@link #peerCommonName(SSLSession)} as well.
 */
public final class MutualTls {

    private static final String PROVIDER = "SunJSSE";
    private static final String IDENTITY_ALIAS = "identity";
    private static final String CA_ALIAS = "cloud-ca";

    private MutualTls() {
    }

    /**
     * A TLS 1.3-only context presenting {@code identity} and trusting only its CA certificate, for
     * a peer of any {@link Role} (it must still carry one) and without a revocation source: for
     * tests and one-shot tools. Daemons use {@link #context(IssuedIdentity, Set, Revocations)}.
     */
    public static SSLContext context(IssuedIdentity identity) {
        return context(identity, EnumSet.allOf(Role.class), Revocations.NONE);
    }

    /**
     * A TLS 1.3-only context presenting {@code identity} that accepts only peers issued by its CA,
     * carrying one of {@code peerRoles}, and not revoked according to {@code revocations}; both
     * checked on every handshake.
     */
    public static SSLContext context(IssuedIdentity identity, Set<Role> peerRoles, Revocations revocations) {
        Objects.requireNonNull(identity, "identity is null");
        Objects.requireNonNull(peerRoles, "peerRoles is null");
        Objects.requireNonNull(revocations, "revocations is null");
        try {
            // The key store only lives in memory; its password only satisfies the API.
            char[] password = UUID.randomUUID().toString().toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry(IDENTITY_ALIAS, identity.key(), password,
                    new Certificate[] {identity.certificate(), identity.caCertificate()});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("PKIX", PROVIDER);
            keyManagers.init(keys, password);

            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry(CA_ALIAS, identity.caCertificate());
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX", PROVIDER);
            trustManagers.init(trusted);

            SSLContext context = SSLContext.getInstance(Tls13OnlyContext.TLS_13, PROVIDER);
            X509ExtendedTrustManager pkix = null;
            for (TrustManager manager : trustManagers.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager extended) {
                    pkix = extended;
                }
            }
            if (pkix == null) {
                throw new IllegalStateException("SunJSSE offers no X509ExtendedTrustManager");
            }
            context.init(keyManagers.getKeyManagers(), new TrustManager[] {new RoleTrustManager(pkix, peerRoles, revocations)},
                    new SecureRandom());
            return new Tls13OnlyContext(context);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the TLS context for " + identity, e);
        }
    }

    /** {@link #context(IssuedIdentity)} from the files {@link IssuedIdentity#writePem} wrote. */
    public static SSLContext context(Path directory, String baseName) {
        return context(IssuedIdentity.readPem(directory, baseName));
    }

    /** {@link #context(IssuedIdentity, Set, Revocations)} from the files {@link IssuedIdentity#writePem} wrote. */
    public static SSLContext context(Path directory, String baseName, Set<Role> peerRoles, Revocations revocations) {
        return context(IssuedIdentity.readPem(directory, baseName), peerRoles, revocations);
    }

    /** Server side parameters: TLS 1.3 only, client certificate required. */
    public static SSLParameters serverParameters() {
        SSLParameters parameters = new SSLParameters();
        Tls13OnlyContext.restrict(parameters);
        parameters.setNeedClientAuth(true);
        return parameters;
    }

    /**
     * The common name of the peer's verified certificate.
     *
     * @throws IllegalStateException if the peer is not authenticated or its certificate has no CN
     */
    public static String peerCommonName(SSLSession session) {
        Objects.requireNonNull(session, "session is null");
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            throw new IllegalStateException("the TLS peer is not authenticated", e);
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate peer)) {
            throw new IllegalStateException("the TLS peer presented no X.509 certificate");
        }
        return Certificates.commonName(peer).orElseThrow(() -> new IllegalStateException("the TLS peer's certificate has no common name"));
    }
}
