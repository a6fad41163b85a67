package org.vtpcm.manager.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.Role;
import org.vtpcm.protocol.tls.MutualTls;
import org.vtpcm.service.rest.ApiRoutes;

/**
 * The allow-list through the real server and real mutual TLS: another node's certificate is refused
 * the engine's hooks and the operator's endpoints before any handler runs; the engine and the
 * operator reach them; an unknown path stays 404.
 */
class EndpointAccessTlsTest {
    private static final String MIGRATION = "/v1/migrations/8d7f3c2a-1111-4222-8333-944455556666";
    private static final String REACHED = "{\"reached\":true}";

    @TempDir
    Path folder;
    private final ObjectMapper json = new ObjectMapper();
    private CloudCa ca;
    private ApiServer server;

    @BeforeEach
    void start() {
        ca = CloudCa.create("test CA", folder.resolve("ca"));
        SSLContext tls = MutualTls.context(ca.issueTlsIdentity(Role.NODE_MANAGER, "n1", List.of(), List.of("127.0.0.1"),
                Duration.ofDays(1), true, true), ApiServer.ACCEPTED_ROLES, org.vtpcm.protocol.tls.Revocations.NONE);
        // handlers that only say they were reached: the access decision is made before any of them runs
        ApiRoutes reached = routes -> {
            for (String hook : List.of("freeze", "export", "commit")) {
                routes.post(MIGRATION + "/" + hook, context -> context.result(REACHED));
            }
            routes.get("/v1/reference-values", context -> context.result(REACHED));
            routes.post("/v1/reference-values", context -> context.result(REACHED));
            routes.post("/v1/vms", context -> context.result(REACHED));
        };
        server = new ApiServer("n1", "127.0.0.1", 0, 1 << 20, tls, json, List.of(reached));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anotherNodesCertificateIsRefusedTheEnginesAndTheOperatorsEndpoints() throws Exception {
        HttpClient otherNode = client(Role.NODE_MANAGER, "n2");
        for (Map.Entry<String, String> call : List.of(Map.entry("POST", MIGRATION + "/freeze"), Map.entry("POST", MIGRATION + "/export"),
                Map.entry("POST", MIGRATION + "/commit"), Map.entry("GET", "/v1/reference-values"),
                Map.entry("POST", "/v1/reference-values"), Map.entry("POST", "/v1/vms"))) {
            HttpResponse<String> answer = call(otherNode, call.getKey(), call.getValue());
            assertEquals(403, answer.statusCode(), call + ": " + answer.body());
            assertEquals("FORBIDDEN", json.readTree(answer.body()).path("code").asText(), answer.body());
        }
        // a node certificate that names itself "operator" is still a node
        assertEquals(403, call(client(Role.NODE_MANAGER, "operator"), "POST", "/v1/vms").statusCode());
    }

    @Test
    void theEngineAndTheOperatorReachWhatTheyMayAndNothingElse() throws Exception {
        HttpClient engine = client(Role.ENGINE, "vtpcm-engine");
        HttpClient operator = client(Role.OPERATOR, "operator");
        assertEquals(REACHED, call(engine, "POST", MIGRATION + "/freeze").body());
        assertEquals(REACHED, call(engine, "GET", "/v1/reference-values").body());
        assertEquals(403, call(engine, "POST", "/v1/vms").statusCode());
        assertEquals(REACHED, call(operator, "POST", "/v1/vms").body());
        assertEquals(REACHED, call(operator, "POST", "/v1/reference-values").body());
        assertEquals(403, call(operator, "POST", MIGRATION + "/commit").statusCode());
        HttpResponse<String> unknown = call(operator, "GET", "/v1/nothing-here");
        assertEquals(404, unknown.statusCode());
        JsonNode body = json.readTree(unknown.body());
        assertEquals("NO_SUCH_ENDPOINT", body.path("code").asText());
    }

    @Test
    void aCertificateRevokedAfterItsHandshakeIsRefusedOnItsKeptAliveConnection() throws Exception {
        org.vtpcm.protocol.tls.RevocationList revocations = org.vtpcm.protocol.tls.RevocationList.inMemory(ca.certificate());
        server.close();
        server = new ApiServer("n1", "127.0.0.1", 0, 1 << 20, MutualTls.context(ca.issueTlsIdentity(Role.NODE_MANAGER, "n1", List.of(),
                List.of("127.0.0.1"), Duration.ofDays(1), true, true), ApiServer.ACCEPTED_ROLES, revocations), revocations, json,
                List.of(routes -> routes.get("/v1/reference-values", context -> context.result(REACHED))));
        org.vtpcm.protocol.pki.IssuedIdentity identity = ca.issueTlsIdentity(Role.OPERATOR, "operator", List.of(), List.of(),
                Duration.ofDays(1), false, true);
        HttpClient operator = HttpClient.newBuilder().sslContext(MutualTls.context(identity)).build();
        assertEquals(REACHED, call(operator, "GET", "/v1/reference-values").body());
        revocations.install(ca.issueRevocationList(List.of(identity.certificate().getSerialNumber()), java.math.BigInteger.ONE,
                Duration.ofDays(1)).getEncoded());
        // the same client: its connection (and TLS session) from before the revocation is reused
        HttpResponse<String> refused = call(operator, "GET", "/v1/reference-values");
        assertEquals(403, refused.statusCode(), refused.body());
        assertEquals("REVOKED", json.readTree(refused.body()).path("code").asText());
    }

    private HttpClient client(Role role, String name) {
        return HttpClient.newBuilder().sslContext(MutualTls.context(ca.issueTlsIdentity(role, name, List.of(), List.of(),
                Duration.ofDays(1), false, true))).build();
    }

    private HttpResponse<String> call(HttpClient client, String method, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + path))
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
