package org.vtpcm.protocol.tls;

import org.vtpcm.protocol.pki.Role;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.protocol.pki.CloudCa;

/** A client without a certificate that trusts a pinned CA (certificate or fingerprint) and one server name. */
class PinnedCaTlsTest {
    private static final String SERVER = "vtpcm-engine";
    private static CloudCa ca;
    private static CloudCa other;
    private static ExecutorService executor;

    @BeforeAll
    static void createCas(@TempDir Path directory) {
        ca = CloudCa.create("cloud CA", directory.resolve("ca"));
        other = CloudCa.create("other CA", directory.resolve("other"));
        executor = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stop() {
        executor.shutdownNow();
    }

    @Test
    void thePinnedCertificateAndTheRightNameConnect() throws Exception {
        assertEquals(SERVER, handshake(server(ca, SERVER), PinnedCaTls.trustingCertificate(ca.certificate(), SERVER)));
    }

    @Test
    void thePinnedFingerprintFindsTheCaInTheServersChain() throws Exception {
        String fingerprint = PinnedCaTls.fingerprint(ca.certificate());
        assertTrue(fingerprint.matches("sha256:[0-9a-f]{64}"), fingerprint);
        assertEquals(SERVER, handshake(server(ca, SERVER), PinnedCaTls.trustingFingerprint(fingerprint.toUpperCase().replace("SHA256:",
                "sha256:"), SERVER)));
    }

    @Test
    void anotherCaIsRefused() {
        assertThrows(SSLException.class, () -> handshake(server(other, SERVER), PinnedCaTls.trustingCertificate(ca.certificate(), SERVER)));
        assertThrows(SSLException.class, () -> handshake(server(other, SERVER), PinnedCaTls.trustingFingerprint(
                PinnedCaTls.fingerprint(ca.certificate()), SERVER)));
    }

    @Test
    void anotherHolderOfACertificateFromTheSameCaIsRefused() {
        assertThrows(SSLException.class, () -> handshake(server(ca, "vtpcm-n1"), PinnedCaTls.trustingCertificate(ca.certificate(), SERVER)));
        assertThrows(SSLException.class, () -> handshake(server(ca, "vtpcm-n1"), PinnedCaTls.trustingFingerprint(
                PinnedCaTls.fingerprint(ca.certificate()), SERVER)));
    }

    @Test
    void fingerprintsAreParsedStrictly() {
        String hex = "ab".repeat(32);
        assertEquals("sha256:" + hex, PinnedCaTls.parseFingerprint("SHA256:" + "AB:".repeat(31) + "AB"));
        for (String bad : List.of(hex, "sha1:" + hex, "sha256:" + hex.substring(2), "sha256:" + "zz".repeat(32), "")) {
            assertThrows(IllegalArgumentException.class, () -> PinnedCaTls.parseFingerprint(bad), bad);
        }
        assertTrue(PinnedCaTls.matches(ca.certificate(), PinnedCaTls.fingerprint(ca.certificate())));
        assertFalse(PinnedCaTls.matches(other.certificate(), PinnedCaTls.fingerprint(ca.certificate())));
        assertThrows(IllegalArgumentException.class, () -> PinnedCaTls.trustingCertificate(
                ca.issueTlsIdentity(Role.NODE_MANAGER, "leaf", List.of(), List.of(), Duration.ofDays(1), true, false).certificate(), SERVER));
    }

    @Test
    void aServerWithTheEnginesNameButAnotherRoleIsRefused() {
        for (Role role : List.of(Role.NODE_MANAGER, Role.NODE_QEMU, Role.OPERATOR, Role.NOVA_COMPUTE, Role.DASHBOARD)) {
            assertThrows(SSLException.class, () -> handshake(server(ca, SERVER, role), PinnedCaTls.trustingCertificate(ca.certificate(),
                    SERVER)), role.label());
            assertThrows(SSLException.class, () -> handshake(server(ca, SERVER, role), PinnedCaTls.trustingFingerprint(
                    PinnedCaTls.fingerprint(ca.certificate()), SERVER)), role.label());
        }
    }

    private static SSLContext server(CloudCa issuer, String name) {
        return server(issuer, name, Role.ENGINE);
    }

    private static SSLContext server(CloudCa issuer, String name, Role role) {
        return MutualTls.context(issuer.issueTlsIdentity(role, name, List.of(), List.of("127.0.0.1"), Duration.ofDays(1), true, false));
    }

    /** One handshake with a server that asks for no client certificate; answers the server's name as the client saw it. */
    private static String handshake(SSLContext serverContext, SSLContext clientContext) throws Exception {
        try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory().createServerSocket(0, 1,
                InetAddress.getLoopbackAddress())) {
            listener.setNeedClientAuth(false);
            listener.setSoTimeout(5_000);
            Future<?> served = executor.submit(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.startHandshake();
                    socket.getOutputStream().write(1);
                } catch (IOException e) {
                    // the client refused us: its side reports
                }
                return null;
            });
            try (SSLSocket client = (SSLSocket) clientContext.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                    listener.getLocalPort())) {
                client.setSoTimeout(5_000);
                client.startHandshake();
                assertEquals("TLSv1.3", client.getSession().getProtocol());
                return MutualTls.peerCommonName(client.getSession());
            } finally {
                served.get(10, TimeUnit.SECONDS);
            }
        }
    }
}
