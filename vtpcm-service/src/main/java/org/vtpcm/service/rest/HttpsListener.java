package org.vtpcm.service.rest;

import static java.util.Objects.requireNonNull;

import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The HTTPS listeners our APIs have, TLS 1.3 only; there is no plain-HTTP one.
 *
 * @param clientCertificates whether a client certificate is required (mutual TLS) or not asked for at all
 */
public record HttpsListener(String address, int port, SSLContext tls, boolean clientCertificates) {
    public HttpsListener {
        requireNonNull(address, "address is null");
        requireNonNull(tls, "tls is null");
    }

    /** Mutual TLS: a client certificate the context trusts is required (the manager's and the engine's APIs). */
    public static HttpsListener mutualTls(String address, int port, SSLContext tls) {
        return new HttpsListener(address, port, tls, true);
    }

    /** Server-authenticated TLS without client certificates (the engine's enrollment endpoint: nodes have none yet). */
    public static HttpsListener serverTls(String address, int port, SSLContext tls) {
        return new HttpsListener(address, port, tls, false);
    }

    ServerConnector connector(Server server, HttpConfiguration httpConfiguration) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setSslContext(tls);
        ssl.setNeedClientAuth(clientCertificates);
        ssl.setWantClientAuth(clientCertificates);
        ssl.setIncludeProtocols("TLSv1.3");
        // without client certificates, nodes check the server by a pinned CA and the certificate's name, not the host they dialled
        httpConfiguration.addCustomizer(clientCertificates ? new SecureRequestCustomizer() : new SecureRequestCustomizer(false));
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(httpConfiguration));
        connector.setHost(address);
        connector.setPort(port);
        return connector;
    }

    String description() {
        return clientCertificates ? "mutual TLS" : "TLS, no client certificates";
    }
}
