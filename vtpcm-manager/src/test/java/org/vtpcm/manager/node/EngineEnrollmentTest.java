package org.vtpcm.manager.node;

import org.vtpcm.attestation.enrollment.EnrollmentException;

import org.vtpcm.nodeapi.EnrollmentMessages;
import org.vtpcm.attestation.enrollment.EnrollmentAuthority;
import org.vtpcm.attestation.enrollment.CertifiedNode;

import org.vtpcm.protocol.pki.Role;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.attestation.Challenge;
import org.vtpcm.attestation.EmulatedPlatformTpm;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.IssuedIdentity;
import org.vtpcm.protocol.pki.Pem;
import org.vtpcm.protocol.tls.MutualTls;
import org.vtpcm.protocol.tls.PinnedCaTls;

/**
 * The manager's enrollment client over real TLS against a stand-in of the engine's enrollment
 * endpoint (HTTPS without client certificates, the real {@link EnrollmentAuthority} behind it) and
 * a real emulated TPM: what it sends, how it authenticates the engine, how it reports refusals.
 */
class EngineEnrollmentTest {
    private static final String NODE = "vtpcm-n1";
    private static final String TOKEN = "vtpcm1.0a1b2c3d4e5f." + "T".repeat(43);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;
    private static EmulatedPlatformTpm tpm;
    private static CloudCa ca;
    private static CloudCa other;

    @TempDir
    Path folder;
    private StandIn engine;
    private Path tls;

    @BeforeAll
    static void startTpm() {
        tpm = EmulatedPlatformTpm.start(shared.resolve("tpm"), shared.resolve("run"), Duration.ofSeconds(10));
        ca = CloudCa.create("cloud CA", shared.resolve("ca"));
        other = CloudCa.create("other CA", shared.resolve("other"));
    }

    @AfterAll
    static void stopTpm() {
        tpm.close();
    }

    @BeforeEach
    void start() throws IOException {
        engine = StandIn.start(ca, CloudCa.ENGINE_NAME, shared.resolve("ca"));
        tls = folder.resolve("tls");
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    private EnrollmentAuthority.Enrolled enroll(CaPin pin) {
        return NodeEnrollment.enroll(NODE, List.of("10.200.0.1"), tpm, new EngineEnrollment(engine.uri(), TOKEN, pin), tls,
                tls.resolve("qemu"));
    }

    @Test
    void theNodeSendsOnlyPublicKeysWithItsTokenAndStoresWhatWasCertified() throws Exception {
        EnrollmentAuthority.Enrolled enrolled = enroll(CaPin.fingerprint(PinnedCaTls.fingerprint(ca.certificate())));
        assertEquals(2, engine.requests.size());
        for (StandIn.Request request : engine.requests) {
            assertEquals("Bearer " + TOKEN, request.authorization());
            assertFalse(request.body().contains("PRIVATE KEY"), request.body());
            assertFalse(request.body().contains(TOKEN), "the token travels in the header only");
        }
        EnrollmentMessages.AnswerRequest answer = JSON.readValue(engine.requests.get(1).body(), EnrollmentMessages.AnswerRequest.class);
        IssuedIdentity node = IssuedIdentity.readPem(tls, "node");
        assertArrayEquals(node.certificate().getPublicKey().getEncoded(), Pem.publicKeyFromPem(answer.tlsPublicKey()).getEncoded());
        assertArrayEquals(QemuMigrationTls.read(tls.resolve("qemu")).certificate().getPublicKey().getEncoded(),
                Pem.publicKeyFromPem(answer.migrationTlsPublicKey()).getEncoded());
        assertEquals(List.of("10.200.0.1"), answer.ipAddresses());
        assertEquals(ca.certificate(), node.caCertificate());
        assertEquals(enrolled.akCertificate(), Pem.readCertificate(tls.resolve("ak.crt")));
        assertArrayEquals(tpm.attestationKey().publicKey().getEncoded(), enrolled.akCertificate().getPublicKey().getEncoded());
    }

    @Test
    void anEngineFromAnotherCaGetsNothing() throws IOException {
        engine.close();
        engine = StandIn.start(other, CloudCa.ENGINE_NAME, shared.resolve("other"));
        EnrollmentException e = assertThrows(EnrollmentException.class, () -> enroll(CaPin.certificate(ca.certificate())));
        assertTrue(e.getMessage().startsWith("cannot reach the engine's enrollment endpoint"), e.getMessage());
        assertTrue(engine.requests.isEmpty(), "the token never left the node");
        assertFalse(Files.exists(tls));
    }

    @Test
    void aNodeOfTheSameCaCannotPoseAsTheEngine() throws IOException {
        engine.close();
        engine = StandIn.start(ca, "vtpcm-n2", shared.resolve("ca"));
        EnrollmentException e = assertThrows(EnrollmentException.class, () -> enroll(CaPin.certificate(ca.certificate())));
        assertTrue(e.getMessage().contains("vtpcm-engine"), e.getMessage());
        assertTrue(engine.requests.isEmpty());
    }

    @Test
    void aRefusalIsReportedWithTheEnginesCodeAndWithoutTheToken() {
        engine.refusal.set("{\"code\":\"TOKEN_USED\",\"message\":\"enrollment token 0a1b2c3d4e5f was already used\"}");
        EnrollmentException e = assertThrows(EnrollmentException.class, () -> enroll(CaPin.certificate(ca.certificate())));
        assertEquals("the engine refused the challenge request: enrollment token 0a1b2c3d4e5f was already used (403 TOKEN_USED)",
                e.getMessage());
        assertFalse(Files.exists(tls), "nothing written");
    }

    @Test
    void certificatesUnderAnotherCaAreRefused() {
        engine.answerWithCa.set(other.certificate());
        EnrollmentException e = assertThrows(EnrollmentException.class, () -> enroll(CaPin.certificate(ca.certificate())));
        assertTrue(e.getMessage().contains("other than the pinned one"), e.getMessage());
        assertFalse(Files.exists(tls));
    }

    @Test
    void anUnreachableEngineIsSaidSo() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        EnrollmentException e = assertThrows(EnrollmentException.class, () -> new EngineEnrollment(URI.create("https://127.0.0.1:" + port),
                TOKEN, CaPin.certificate(ca.certificate())).challenge(NODE, new byte[1], new byte[1]));
        assertTrue(e.getMessage().startsWith("cannot reach the engine's enrollment endpoint at https://127.0.0.1:" + port), e.getMessage());
    }

    @Test
    void badEndpointsTokensAndPinsAreUsageErrors() {
        CaPin pin = CaPin.certificate(ca.certificate());
        for (String url : List.of("http://127.0.0.1:9441", "https://127.0.0.1", "https://127.0.0.1:9441/v1")) {
            assertThrows(IllegalArgumentException.class, () -> new EngineEnrollment(URI.create(url), TOKEN, pin), url);
        }
        IllegalArgumentException token = assertThrows(IllegalArgumentException.class, () -> new EngineEnrollment(
                URI.create("https://127.0.0.1:9441"), "two words", pin));
        assertFalse(token.getMessage().contains("two words"), "the token is not repeated");
        assertThrows(IllegalArgumentException.class, () -> CaPin.fingerprint("sha1:abcd"));
        assertThrows(IllegalArgumentException.class, () -> CaPin.certificate(ca.issueTlsIdentity(Role.ENGINE, "leaf", List.of(), List.of(),
                Duration.ofDays(1), true, false).certificate()));
    }

    /** A stand-in of the engine's enrollment endpoint: no client certificates, one valid token, the real authority. */
    private static final class StandIn implements AutoCloseable {
        record Request(String path, String authorization, String body) {
        }

        private final HttpsServer server;
        private final EnrollmentAuthority authority;
        private final List<Request> requests = new CopyOnWriteArrayList<>();
        private final AtomicReference<String> refusal = new AtomicReference<>();
        private final AtomicReference<java.security.cert.X509Certificate> answerWithCa = new AtomicReference<>();
        private volatile EnrollmentAuthority.PendingEnrollment pending;

        private StandIn(HttpsServer server, EnrollmentAuthority authority) {
            this.server = server;
            this.authority = authority;
        }

        static StandIn start(CloudCa issuer, String name, Path caDirectory) throws IOException {
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(MutualTls.context(issuer.issueTlsIdentity(Role.ENGINE, name, List.of(),
                    List.of("127.0.0.1"), Duration.ofDays(1), true, false))) {
                @Override
                public void configure(HttpsParameters parameters) {
                    SSLParameters ssl = new SSLParameters();
                    ssl.setProtocols(new String[] {"TLSv1.3"});
                    ssl.setNeedClientAuth(false);
                    parameters.setSSLParameters(ssl);
                }
            });
            StandIn standIn = new StandIn(server, new EnrollmentAuthority(issuer, caDirectory));
            server.createContext("/", standIn::handle);
            server.start();
            return standIn;
        }

        URI uri() {
            return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
        }

        private void handle(HttpExchange exchange) throws IOException {
            String body = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
            String path = exchange.getRequestURI().getPath();
            requests.add(new Request(path, exchange.getRequestHeaders().getFirst("Authorization"), body));
            if (refusal.get() != null) {
                reply(exchange, 403, refusal.get());
                return;
            }
            if (path.equals(EnrollmentMessages.CHALLENGE_PATH)) {
                EnrollmentMessages.ChallengeRequest request = JSON.readValue(body, EnrollmentMessages.ChallengeRequest.class);
                pending = authority.challenge(request.node(), Base64.getDecoder().decode(request.ekPublicArea()),
                        Base64.getDecoder().decode(request.akPublicArea()));
                Challenge challenge = pending.challenge();
                reply(exchange, 200, JSON.writeValueAsString(new EnrollmentMessages.ChallengeResponse("c".repeat(32),
                        Base64.getEncoder().encodeToString(challenge.credentialBlob()),
                        Base64.getEncoder().encodeToString(challenge.encryptedSecret()), "2099-01-01T00:00:00Z")));
            } else {
                EnrollmentMessages.AnswerRequest request = JSON.readValue(body, EnrollmentMessages.AnswerRequest.class);
                CertifiedNode certified = authority.complete(pending, Base64.getDecoder().decode(request.secret()),
                        Pem.publicKeyFromPem(request.tlsPublicKey()), Pem.publicKeyFromPem(request.migrationTlsPublicKey()),
                        request.ipAddresses());
                java.security.cert.X509Certificate caCertificate = answerWithCa.get() != null ? answerWithCa.get()
                        : certified.caCertificate();
                reply(exchange, 200, JSON.writeValueAsString(new EnrollmentMessages.AnswerResponse(pending.nodeName(),
                        Pem.toPem(certified.akCertificate()), Pem.toPem(certified.tlsCertificate()),
                        Pem.toPem(certified.migrationTlsCertificate()), Pem.toPem(caCertificate))));
            }
        }

        private static void reply(HttpExchange exchange, int status, String json) throws IOException {
            byte[] bytes = json.getBytes(UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
