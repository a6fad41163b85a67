package org.vtpcm.protocol.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/** One TLS connection over 127.0.0.1 between a server and a client context, bounded in time. */
final class Loopback {

    static final int TIMEOUT_MILLIS = 5_000;

    /** What each side saw: the peer's CN and protocol on success, or the failure. */
    record Side(String peerCommonName, String protocol, Throwable failure) {
        boolean succeeded() {
            return failure == null;
        }
    }

    record Result(Side server, Side client) {
    }

    private Loopback() {
    }

    static Result connect(SSLContext serverContext, SSLContext clientContext) throws Exception {
        return connect(serverContext, clientContext, socket -> { });
    }

    static Result connect(SSLContext serverContext, SSLContext clientContext, Consumer<SSLSocket> clientSetup)
            throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            listener.setSSLParameters(MutualTls.serverParameters());
            listener.setSoTimeout(TIMEOUT_MILLIS);
            Future<Side> server = executor.submit(() -> serve(listener));
            Side client = dial(clientContext, listener.getLocalPort(), clientSetup);
            Side serverSide;
            try {
                serverSide = server.get(2L * TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                serverSide = new Side(null, null, e.getCause());
            }
            return new Result(serverSide, client);
        } finally {
            executor.shutdownNow();
            if (!executor.awaitTermination(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("server thread did not stop");
            }
        }
    }

    private static Side serve(SSLServerSocket listener) {
        try (SSLSocket socket = (SSLSocket) listener.accept()) {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.startHandshake();
            String peer = MutualTls.peerCommonName(socket.getSession());
            socket.getOutputStream().write(1);
            socket.getOutputStream().flush();
            if (socket.getInputStream().read() != 2) {
                throw new IOException("client did not answer");
            }
            return new Side(peer, socket.getSession().getProtocol(), null);
        } catch (IOException | RuntimeException e) {
            return new Side(null, null, e);
        }
    }

    private static Side dial(SSLContext context, int port, Consumer<SSLSocket> setup) {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
            setup.accept(socket);
            socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.startHandshake();
            // In TLS 1.3 the server judges the client's certificate after the client's handshake
            // is done; a rejection arrives as an alert on the first read.
            if (socket.getInputStream().read() != 1) {
                throw new IOException("server closed the connection");
            }
            socket.getOutputStream().write(2);
            socket.getOutputStream().flush();
            return new Side(MutualTls.peerCommonName(socket.getSession()), socket.getSession().getProtocol(), null);
        } catch (IOException | RuntimeException e) {
            return new Side(null, null, e);
        }
    }
}
