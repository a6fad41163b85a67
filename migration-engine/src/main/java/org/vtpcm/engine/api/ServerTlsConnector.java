package org.vtpcm.engine.api;

import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The enrollment listener: TLS 1.3 with the engine's certificate and no client certificate asked
 * for, because an enrolling node has none yet. Only {@link EnrollmentApiServer} uses it.
 */
final class ServerTlsConnector {
    private ServerTlsConnector() {
    }

    static ServerConnector create(Server server, HttpConfiguration httpConfiguration, SSLContext tls, String address, int port) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setSslContext(tls);
        ssl.setNeedClientAuth(false);
        ssl.setWantClientAuth(false);
        ssl.setIncludeProtocols("TLSv1.3");
        // the node checks the engine by the pinned CA and the certificate's name, not by the host name it dialled
        httpConfiguration.addCustomizer(new SecureRequestCustomizer(false));
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(httpConfiguration));
        connector.setHost(address);
        connector.setPort(port);
        return connector;
    }
}
