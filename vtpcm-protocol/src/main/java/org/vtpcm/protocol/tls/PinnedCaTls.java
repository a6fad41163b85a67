package org.vtpcm.protocol.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

import org.vtpcm.protocol.pki.Certificates;
import org.vtpcm.protocol.pki.Role;

/**
 * TLS 1.3 for a client that has no certificate yet (a node enrolling): it trusts one pinned CA,
 * given as its certificate or as the SHA-256 fingerprint of it ({@code sha256:<hex>}), and only a
 * server whose certificate has the expected common name, so that another holder of a certificate
 * from the same CA (a node) cannot pose as the server, and whose certificate carries the engine's
 * role ({@link Role#ENGINE}): a name alone decides nothing. Host names are not checked, as in
 * {@link MutualTls}: the CA, the role and the name authenticate the server.
 */
public final class PinnedCaTls {
    public static final String FINGERPRINT_PREFIX = "sha256:";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    /** Only the engine enrolls nodes: a node's certificate with the engine's name is still refused. */
    private static final Role SERVER_ROLE = Role.ENGINE;

    private PinnedCaTls() {
    }

    /** A client context trusting exactly {@code ca} and an engine server named {@code serverCommonName}. */
    public static SSLContext trustingCertificate(X509Certificate ca, String serverCommonName) {
        Objects.requireNonNull(ca, "ca is null");
        if (ca.getBasicConstraints() < 0) {
            throw new IllegalArgumentException("the pinned certificate is not a CA certificate");
        }
        return context(new PinnedTrustManager(ca, fingerprint(ca), requireName(serverCommonName)));
    }

    /**
     * A client context trusting the CA certificate the server itself sends in its chain, if its
     * fingerprint is {@code fingerprint}, and a server named {@code serverCommonName}.
     */
    public static SSLContext trustingFingerprint(String fingerprint, String serverCommonName) {
        return context(new PinnedTrustManager(null, parseFingerprint(fingerprint), requireName(serverCommonName)));
    }

    /** {@code sha256:} and the lower-case hex SHA-256 of the certificate's DER encoding. */
    public static String fingerprint(X509Certificate certificate) {
        Objects.requireNonNull(certificate, "certificate is null");
        try {
            return FINGERPRINT_PREFIX + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("the certificate cannot be encoded", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /**
     * A fingerprint as {@link #fingerprint} writes it, from {@code sha256:<hex>} (hex in either case,
     * bytes optionally separated by colons, as {@code openssl x509 -fingerprint} prints them).
     *
     * @throws IllegalArgumentException if it is not a SHA-256 fingerprint
     */
    public static String parseFingerprint(String text) {
        Objects.requireNonNull(text, "fingerprint is null");
        String value = text.trim();
        if (!value.regionMatches(true, 0, FINGERPRINT_PREFIX, 0, FINGERPRINT_PREFIX.length())) {
            throw new IllegalArgumentException("a CA fingerprint must start with " + FINGERPRINT_PREFIX);
        }
        String hex = value.substring(FINGERPRINT_PREFIX.length()).replace(":", "").toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a CA fingerprint is " + FINGERPRINT_PREFIX + " and 64 hex digits (SHA-256)");
        }
        return FINGERPRINT_PREFIX + hex;
    }

    /** Whether {@code certificate} has this fingerprint. */
    public static boolean matches(X509Certificate certificate, String fingerprint) {
        return certificate != null && fingerprint(certificate).equals(parseFingerprint(fingerprint));
    }

    private static String requireName(String serverCommonName) {
        Objects.requireNonNull(serverCommonName, "serverCommonName is null");
        if (serverCommonName.isBlank()) {
            throw new IllegalArgumentException("serverCommonName is blank");
        }
        return serverCommonName;
    }

    private static SSLContext context(TrustManager trustManager) {
        try {
            SSLContext context = SSLContext.getInstance(Tls13OnlyContext.TLS_13, "SunJSSE");
            context.init(null, new TrustManager[] {trustManager}, new SecureRandom());
            return new Tls13OnlyContext(context);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the TLS context", e);
        }
    }

    /** Checks the server's chain against the pinned CA and the expected name; a client's only. */
    private static final class PinnedTrustManager extends X509ExtendedTrustManager {
        private final X509Certificate pinned;
        private final String fingerprint;
        private final String serverCommonName;

        PinnedTrustManager(X509Certificate pinned, String fingerprint, String serverCommonName) {
            this.pinned = pinned;
            this.fingerprint = fingerprint;
            this.serverCommonName = serverCommonName;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            verify(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            verify(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            verify(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("this TLS context only acts as a client");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("this TLS context only acts as a client");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("this TLS context only acts as a client");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return pinned == null ? new X509Certificate[0] : new X509Certificate[] {pinned};
        }

        private void verify(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the server presented no certificate");
            }
            X509Certificate anchor = pinned != null ? pinned : fromChain(chain);
            List<X509Certificate> path = new ArrayList<>();
            for (X509Certificate certificate : chain) {
                if (!certificate.equals(anchor)) {
                    path.add(certificate);
                }
            }
            if (path.isEmpty() || !path.get(0).equals(chain[0])) {
                throw new CertificateException("the server presented the CA certificate as its own");
            }
            try {
                PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
                parameters.setRevocationEnabled(false);
                CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
            } catch (GeneralSecurityException e) {
                throw new CertificateException("the server's certificate is not issued by the pinned CA " + fingerprint + ": "
                        + e.getMessage(), e);
            }
            X509Certificate leaf = chain[0];
            String name = Certificates.commonName(leaf).orElse("");
            if (!serverCommonName.equals(name)) {
                throw new CertificateException("the server's certificate names '" + name + "', expected '" + serverCommonName + "'");
            }
            List<String> usages = leaf.getExtendedKeyUsage();
            if (usages == null || !usages.contains(SERVER_AUTH)) {
                throw new CertificateException("the server's certificate is not for TLS servers");
            }
            if (Role.of(leaf).orElse(null) != SERVER_ROLE) {
                throw new CertificateException("the server's certificate carries the role " + Role.of(leaf).map(Role::label)
                        .orElse("(none)") + ", expected " + SERVER_ROLE.label());
            }
        }

        private X509Certificate fromChain(X509Certificate[] chain) throws CertificateException {
            for (X509Certificate certificate : chain) {
                if (fingerprint(certificate).equals(fingerprint) && certificate.getBasicConstraints() >= 0) {
                    return certificate;
                }
            }
            throw new CertificateException("the server's chain does not contain the pinned CA " + fingerprint);
        }
    }
}
