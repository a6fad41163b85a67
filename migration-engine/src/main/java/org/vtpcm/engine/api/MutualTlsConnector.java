package org.vtpcm.engine.api;

import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** The one HTTPS listener our APIs have: TLS 1.3 only, a client certificate required (the manager's and the engine's). */
public final class MutualTlsConnector {
    private MutualTlsConnector() {
    }

    public static ServerConnector create(Server server, HttpConfiguration httpConfiguration, SSLContext tls, String address, int port) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setSslContext(tls);
        ssl.setNeedClientAuth(true);
        ssl.setIncludeProtocols("TLSv1.3");
        httpConfiguration.addCustomizer(new SecureRequestCustomizer());
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(httpConfiguration));
        connector.setHost(address);
        connector.setPort(port);
        return connector;
    }
}
