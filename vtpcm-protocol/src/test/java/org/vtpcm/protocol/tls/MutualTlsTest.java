package org.vtpcm.protocol.tls;

import org.vtpcm.protocol.pki.Role;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.IssuedIdentity;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MutualTlsTest {

    private static final String[] TLS_13 = {"TLSv1.3"};

    private static CloudCa ca;
    private static CloudCa otherCa;
    private static IssuedIdentity controller;
    private static IssuedIdentity node;

    @BeforeAll
    static void issue(@TempDir Path caDir, @TempDir Path otherCaDir) {
        ca = CloudCa.create("vtpcm cloud CA", caDir);
        otherCa = CloudCa.create("vtpcm cloud CA", otherCaDir);
        controller = ca.issueTlsIdentity(Role.ENGINE, "controller", List.of("localhost"), List.of("127.0.0.1"),
                Duration.ofDays(1), true, false);
        node = ca.issueTlsIdentity(Role.NODE_MANAGER, "node-7", List.of(), List.of("127.0.0.1"), Duration.ofDays(1), false, true);
    }

    @Test
    void handshakeBetweenIdentitiesOfOneCaSucceeds() throws Exception {
        Loopback.Result result = Loopback.connect(MutualTls.context(controller), MutualTls.context(node));
        assertNull(result.server().failure(), () -> "server: " + result.server().failure());
        assertNull(result.client().failure(), () -> "client: " + result.client().failure());
        assertEquals("node-7", result.server().peerCommonName());
        assertEquals("controller", result.client().peerCommonName());
        assertEquals("TLSv1.3", result.server().protocol());
        assertEquals("TLSv1.3", result.client().protocol());
    }

    @Test
    void contextFromPemFilesWorks(@TempDir Path dir) throws Exception {
        controller.writePem(dir, "controller");
        node.writePem(dir, "node");
        Loopback.Result result = Loopback.connect(MutualTls.context(dir, "controller"), MutualTls.context(dir, "node"));
        assertTrue(result.server().succeeded(), () -> "server: " + result.server().failure());
        assertEquals("node-7", result.server().peerCommonName());
    }

    @Test
    void clientWithoutCertificateIsRejected() throws Exception {
        assertRejectedByServer(trustOnly(ca), null);
    }

    @Test
    void clientFromAnotherCaIsRejected() throws Exception {
        IssuedIdentity stranger = otherCa.issueTlsIdentity(Role.NODE_MANAGER, "node-7", List.of(), List.of(), Duration.ofDays(1),
                false, true);
        // The stranger trusts our CA, so only the server's check can stop it.
        IssuedIdentity strangerTrustingUs = new IssuedIdentity(stranger.key(), stranger.certificate(),
                ca.certificate());
        assertRejectedByServer(MutualTls.context(strangerTrustingUs), null);
        // A stranger that trusts only its own CA: each side rejects the other, whichever is first.
        long start = System.nanoTime();
        Loopback.Result result = Loopback.connect(MutualTls.context(controller), MutualTls.context(stranger));
        assertInstanceOf(IOException.class, result.server().failure(), () -> "server: " + result.server());
        assertInstanceOf(IOException.class, result.client().failure(), () -> "client: " + result.client());
        assertBounded(start);
    }

    @Test
    void clientCertificateWithoutClientAuthUsageIsRejected() throws Exception {
        IssuedIdentity serverOnly = ca.issueTlsIdentity(Role.NODE_MANAGER, "node-8", List.of(), List.of(), Duration.ofDays(1),
                true, false);
        assertRejectedByServer(MutualTls.context(serverOnly), null);
    }

    @Test
    void serverFromAnotherCaIsRejectedByTheClient() throws Exception {
        IssuedIdentity impostor = otherCa.issueTlsIdentity(Role.ENGINE, "controller", List.of("localhost"), List.of("127.0.0.1"),
                Duration.ofDays(1), true, false);
        long start = System.nanoTime();
        Loopback.Result result = Loopback.connect(MutualTls.context(impostor), MutualTls.context(node));
        assertInstanceOf(SSLException.class, result.client().failure(), () -> "client: " + result.client());
        assertFalse(result.server().succeeded());
        assertBounded(start);
    }

    @Test
    void tls12IsRefused() throws Exception {
        assertRejectedByServer(MutualTls.context(node), socket -> socket.setEnabledProtocols(new String[] {"TLSv1.2"}));
    }

    @Test
    void everythingTheContextCreatesIsTls13Only() throws Exception {
        SSLContext context = MutualTls.context(node);
        assertEquals("SunJSSE", context.getProvider().getName());
        assertArrayEquals(TLS_13, context.getDefaultSSLParameters().getProtocols());
        assertArrayEquals(TLS_13, context.getSupportedSSLParameters().getProtocols());
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
            assertArrayEquals(TLS_13, socket.getEnabledProtocols());
        }
        try (SSLServerSocket socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket()) {
            assertArrayEquals(TLS_13, socket.getEnabledProtocols());
        }
        SSLEngine engine = context.createSSLEngine("localhost", 443);
        assertArrayEquals(TLS_13, engine.getEnabledProtocols());
        assertArrayEquals(TLS_13, context.createSSLEngine().getEnabledProtocols());
    }

    @Test
    void serverParametersDemandClientCertificatesOverTls13() {
        SSLParameters parameters = MutualTls.serverParameters();
        assertArrayEquals(TLS_13, parameters.getProtocols());
        assertTrue(parameters.getNeedClientAuth());
    }

    @Test
    void peerCommonNameOfAnUnauthenticatedSessionIsAnError() {
        SSLEngine engine = MutualTls.context(node).createSSLEngine();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MutualTls.peerCommonName(engine.getSession()));
        assertTrue(e.getMessage().contains("not authenticated"), e.getMessage());
    }

    @Test
    void contextFromMissingFilesFails(@TempDir Path dir) {
        assertThrows(RuntimeException.class, () -> MutualTls.context(dir, "node"));
    }

    private static void assertRejectedByServer(SSLContext clientContext,
                                               Consumer<SSLSocket> clientSetup) throws Exception {
        long start = System.nanoTime();
        Loopback.Result result = clientSetup == null
                ? Loopback.connect(MutualTls.context(controller), clientContext)
                : Loopback.connect(MutualTls.context(controller), clientContext, clientSetup);
        assertInstanceOf(SSLException.class, result.server().failure(), () -> "server: " + result.server());
        assertFalse(result.client().succeeded(), "client must notice the rejection");
        assertBounded(start);
    }

    private static void assertBounded(long startNanos) {
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        assertTrue(millis < Loopback.TIMEOUT_MILLIS, "took " + millis + " ms");
    }

    /** A client context with no certificate of its own that trusts {@code trusted}. */
    private static SSLContext trustOnly(CloudCa trusted) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", trusted.certificate());
        TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
