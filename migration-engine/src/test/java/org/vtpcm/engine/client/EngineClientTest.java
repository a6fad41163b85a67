package org.vtpcm.engine.client;

import org.vtpcm.protocol.pki.Role;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.IssuedIdentity;
import org.vtpcm.protocol.tls.MutualTls;

class EngineClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    private TestEngine engine;
    private EngineClient client;

    @BeforeEach
    void start() throws IOException {
        engine = TestEngine.start(directory);
        client = EngineClient.connect(engine.uri(), engine.clientTlsDirectory(), TestEngine.CLIENT);
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    @Test
    void startMigrationSendsOnlyTheFieldsGiven() throws IOException {
        engine.answer("POST", "/v1/migrations", 202, "{\"id\":\"m1\",\"phase\":\"REQUESTED\"}");
        JsonNode view = client.startMigration(MigrationRequest.of("guest").to("n2"));
        assertEquals("m1", view.path("id").asText());
        TestEngine.Request request = engine.requests().get(0);
        assertEquals("application/json", request.contentType());
        assertEquals(JSON.readTree("{\"vm\":\"guest\",\"to\":\"n2\"}"), JSON.readTree(request.body()));
    }

    @Test
    void everyEndpointHasItsMethodAndPath() {
        engine.answer("GET", "/v1/migrations/a%20b", 200, "{\"id\":\"a b\"}")
                .answer("GET", "/v1/migrations?state=active&limit=5", 200, "{\"migrations\":[]}")
                .answer("POST", "/v1/migrations/m1/abort", 202, "{}")
                .answer("GET", "/v1/migrations/m1/receipt", 200, "{\"receipt\":{}}")
                .answer("GET", "/v1/hosts", 200, "{\"hosts\":[]}")
                .answer("POST", "/v1/hosts/n1/attest", 200, "{\"name\":\"n1\"}")
                .answer("POST", "/v1/hosts/n1/trust", 200, "{\"added\":3}")
                .answer("GET", "/v1/reference-values", 200, "{\"referenceValues\":[]}")
                .answer("POST", "/v1/reference-values", 201, "{\"id\":7}")
                .answer("DELETE", "/v1/reference-values/7", 204, "")
                .answer("GET", "/v1/vtpcms", 200, "{\"vtpcms\":[],\"unreachable\":[]}")
                .answer("GET", "/v1/vtpcms/guest", 200, "{\"vmName\":\"guest\"}")
                .answer("GET", "/metrics", 200, "vtpcm_migrations_active 0\n", "text/plain");
        assertEquals("a b", client.migration("a b").path("id").asText());
        assertTrue(client.migrations(EngineClient.StateFilter.ACTIVE, 5).path("migrations").isArray());
        client.abort("m1");
        assertTrue(client.receipt("m1").has("receipt"));
        assertTrue(client.hosts().has("hosts"));
        assertEquals("n1", client.attest("n1").path("name").asText());
        assertEquals(3, client.trust("n1").path("added").asInt());
        assertTrue(client.referenceValues().has("referenceValues"));
        assertEquals(7, client.addReferenceValue(12, "grub", "ab".repeat(32), null).path("id").asInt());
        client.removeReferenceValue(7);
        assertTrue(client.vtpcms().has("unreachable"));
        assertEquals("guest", client.vtpcm("guest").path("vmName").asText());
        assertEquals("vtpcm_migrations_active 0\n", client.metrics());
        assertEquals(13, engine.requests().size(), "no retries, no extra calls");
        TestEngine.Request add = engine.requests().get(8);
        assertEquals("{\"pcr\":12,\"description\":\"grub\",\"digest\":\"" + "ab".repeat(32) + "\"}", add.body());
    }

    @Test
    void errorsCarryTheEnginesStatusCodeAndMessage() {
        engine.error("POST", "/v1/migrations", 409, "NO_TARGET", "no eligible destination for guest");
        EngineClientException failure = assertThrows(EngineClientException.class, () -> client.startMigration(MigrationRequest.of("guest")));
        assertEquals(409, failure.status());
        assertEquals("NO_TARGET", failure.code());
        assertEquals("no eligible destination for guest", failure.getMessage());
    }

    @Test
    void anAnswerLargerThanTheLimitIsRefusedNotRead() {
        engine.answer("GET", "/v1/hosts", 200, "{\"hosts\":\"" + "x".repeat(EngineClient.MAX_ANSWER_BYTES) + "\"}");
        EngineClientException failure = assertThrows(EngineClientException.class, client::hosts);
        assertEquals("ANSWER_TOO_LARGE", failure.code(), failure.getMessage());
    }

    @Test
    void anErrorInAnotherFormatKeepsItsStatus() {
        engine.answer("GET", "/v1/hosts", 502, "<html>bad gateway</html>", "text/html");
        EngineClientException failure = assertThrows(EngineClientException.class, client::hosts);
        assertEquals(502, failure.status());
        assertEquals("HTTP_502", failure.code());
    }

    @Test
    void aBodyThatIsNotJsonIsNoUsableAnswer() {
        engine.answer("GET", "/v1/hosts", 200, "hello", "text/plain");
        EngineClientException failure = assertThrows(EngineClientException.class, client::hosts);
        assertEquals(EngineClientException.NO_ANSWER, failure.status());
        assertEquals("BAD_RESPONSE", failure.code());
    }

    @Test
    void anEngineThatIsNotThereIsStatusZero() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        EngineClient nowhere = EngineClient.connect(URI.create("https://127.0.0.1:" + port), engine.clientTlsDirectory(), TestEngine.CLIENT);
        EngineClientException failure = assertThrows(EngineClientException.class, nowhere::hosts);
        assertEquals(EngineClientException.NO_ANSWER, failure.status());
        assertEquals("UNREACHABLE", failure.code());
        assertTrue(failure.getMessage().startsWith("cannot reach the engine at https://127.0.0.1:" + port), failure.getMessage());
    }

    @Test
    void aTlsAlertFromTheEngineMeansOurCertificateWasRefused() {
        assertEquals(EngineClientException.TLS_REJECTED,
                EngineClient.failureCode(new IOException("wrapped", new SSLHandshakeException("Received fatal alert: bad_certificate"))));
        assertEquals("UNREACHABLE", EngineClient.failureCode(new SSLHandshakeException("PKIX path building failed")));
        assertEquals("UNREACHABLE", EngineClient.failureCode(new IOException("Connection reset")));
    }

    @Test
    void anEngineFromAnotherCaIsNotTrusted() {
        IssuedIdentity stranger = CloudCa.create("another CA", directory.resolve("other"))
                .issueTlsIdentity(Role.OPERATOR, TestEngine.CLIENT, List.of(), List.of(), Duration.ofDays(1), false, true);
        EngineClient misled = new EngineClient(engine.uri(), MutualTls.context(stranger), Duration.ofSeconds(5));
        EngineClientException failure = assertThrows(EngineClientException.class, misled::hosts);
        assertEquals(EngineClientException.NO_ANSWER, failure.status());
        assertEquals("UNREACHABLE", failure.code());
        assertTrue(failure.getMessage().contains("TLS handshake failed"), failure.getMessage());
    }
}
