package org.vtpcm.engine.api;

import org.vtpcm.protocol.time.ManualClock;
import org.vtpcm.protocol.pki.Role;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.inject.Guice;
import com.google.inject.util.Modules;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.vtpcm.attestation.EmulatedPlatformTpm;
import org.vtpcm.engine.EngineDaemon;
import org.vtpcm.engine.EngineModule;
import org.vtpcm.engine.client.EngineClient;
import org.vtpcm.engine.client.EngineClientException;
import org.vtpcm.engine.config.EngineConfig;
import org.vtpcm.manager.node.CaPin;
import org.vtpcm.manager.node.EngineEnrollment;
import org.vtpcm.attestation.enrollment.EnrollmentAuthority;
import org.vtpcm.attestation.enrollment.EnrollmentException;
import org.vtpcm.manager.node.NodeEnrollment;
import org.vtpcm.manager.node.QemuMigrationTls;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.IssuedIdentity;
import org.vtpcm.protocol.pki.Pem;
import org.vtpcm.protocol.tls.MutualTls;
import org.vtpcm.protocol.tls.PinnedCaTls;

/**
 * Node enrollment through the real engine: operators issue tokens on the mutual-TLS API; a node
 * without a certificate enrolls on the enrollment port with the manager's own client, a real
 * (emulated) TPM and real TLS; every bad token, body or answer gets its 4xx and a JSON error.
 */
class EnrollmentApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NODE = "vtpcm-n1";
    private static final String OTHER_NODE_ADDRESS = "10.9.9.2";
    /** The node's manager address: not the engine's (127.0.0.1), which no node may have in a certificate. */
    private static final String NODE_ADDRESS = "127.0.0.3";

    @TempDir
    static Path folder;
    private static ManualClock clock;
    private static EngineDaemon daemon;
    private static CloudCa ca;
    private static URI enrollment;
    private static EngineClient operator;
    private static EngineClient nodeIdentity;
    private static HttpClient anonymous;
    private static EmulatedPlatformTpm tpm;
    private static final List<String> issuedTokens = new CopyOnWriteArrayList<>();
    private static final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeAll
    static void start() throws Exception {
        log.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(log);
        int apiPort = freePort();
        int enrollmentPort = freePort();
        Properties properties = new Properties();
        properties.setProperty("api.address", "127.0.0.1");
        properties.setProperty("api.port", String.valueOf(apiPort));
        properties.setProperty("enrollment.port", String.valueOf(enrollmentPort));
        properties.setProperty("state.dir", folder.resolve("state").toString());
        properties.setProperty("hosts", NODE + ",vtpcm-n2");
        properties.setProperty("host." + NODE + ".manager", "https://" + NODE_ADDRESS + ":1");
        properties.setProperty("host." + NODE + ".libvirt", "qemu+tcp://" + NODE_ADDRESS + "/system");
        properties.setProperty("host.vtpcm-n2.manager", "https://" + OTHER_NODE_ADDRESS + ":9443");
        properties.setProperty("host.vtpcm-n2.libvirt", "qemu+tcp://" + OTHER_NODE_ADDRESS + "/system");
        EngineConfig config = EngineConfig.from(properties, folder.resolve("engine.conf"));
        clock = new ManualClock(Instant.now());
        daemon = Guice.createInjector(Modules.override(new EngineModule(config)).with(binder -> binder.bind(Clock.class)
                .toInstance(clock))).getInstance(EngineDaemon.class);
        daemon.start();
        ca = CloudCa.load(config.caDirectory());
        enrollment = URI.create("https://127.0.0.1:" + enrollmentPort);
        operator = new EngineClient(URI.create("https://127.0.0.1:" + apiPort), MutualTls.context(ca.issueTlsIdentity(Role.OPERATOR, "operator", List.of(),
                List.of(), Duration.ofDays(1), false, true)));
        nodeIdentity = new EngineClient(URI.create("https://127.0.0.1:" + apiPort), MutualTls.context(ca.issueTlsIdentity(Role.NODE_MANAGER, NODE, List.of(),
                List.of(), Duration.ofDays(1), false, true)));
        anonymous = HttpClient.newBuilder().sslContext(PinnedCaTls.trustingCertificate(ca.certificate(), CloudCa.ENGINE_NAME))
                .connectTimeout(Duration.ofSeconds(5)).build();
        tpm = EmulatedPlatformTpm.start(folder.resolve("tpm"), folder.resolve("tpm-run"), Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        if (tpm != null) {
            tpm.close();
        }
        if (daemon != null) {
            daemon.close();
        }
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(log);
    }

    @Test
    void aNodeEnrollsWithItsTokenAndTpmAndKeepsItsPrivateKeys() throws Exception {
        JsonNode issued = issue(NODE);
        assertEquals(enrollment.toString(), issued.path("enrollmentUrl").asText());
        assertEquals(PinnedCaTls.fingerprint(ca.certificate()), issued.path("caFingerprint").asText());
        Path tls = folder.resolve("n1").resolve("tls");
        EnrollmentAuthority.Enrolled enrolled = NodeEnrollment.enroll(NODE, List.of(NODE_ADDRESS), tpm, new EngineEnrollment(enrollment,
                issued.path("token").asText(), CaPin.fingerprint(issued.path("caFingerprint").asText())), tls, tls.resolve("qemu"));

        IssuedIdentity written = IssuedIdentity.readPem(tls, "node");
        assertEquals("CN=" + NODE, written.certificate().getSubjectX500Principal().getName());
        assertEquals(ca.certificate(), written.caCertificate());
        assertTrue(ca.issued(Pem.readCertificate(tls.resolve("ak.crt"))));
        assertEquals(enrolled.migrationTls().certificate(), QemuMigrationTls.read(tls.resolve("qemu")).certificate());
        assertTrue(Files.exists(tls.resolve("qemu").resolve(QemuMigrationTls.CLIENT_KEY)));
        // the identity is a node's: the mutual-TLS API accepts its certificate and refuses it operator routes
        EngineClient asNode = new EngineClient(operator.base(), MutualTls.context(written));
        assertEquals("ok", asNode.send("GET", "/v1/health", null).path("status").asText());
        assertError(403, "FORBIDDEN", () -> asNode.send("GET", "/v1/migrations", null));

        // every certificate enrollment issued is in the engine's registry, the node's, for 30 days
        for (X509Certificate certificate : List.of(written.certificate(), enrolled.migrationTls().certificate(),
                Pem.readCertificate(tls.resolve("ak.crt")))) {
            JsonNode record = certificate(certificate);
            assertEquals(NODE, record.path("node").asText(), record.toString());
            assertEquals("VALID", record.path("state").asText(), record.toString());
            assertEquals(30, Duration.between(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant()).toDays());
        }

        JsonNode listed = token(issued.path("id").asText());
        assertEquals("USED", listed.path("state").asText());
        assertTrue(List.of("ENROLLED", "RE_ENROLLED").contains(listed.path("outcome").asText()), listed.toString());
        assertNoTokenLogged();
    }

    @Test
    void aUsedTokenIsRefusedAndReEnrollingNeedsAFreshOne() throws Exception {
        JsonNode first = issue(NODE);
        Path tls = folder.resolve("n1-again").resolve("tls");
        NodeEnrollment.enroll(NODE, List.of(NODE_ADDRESS), tpm, new EngineEnrollment(enrollment, first.path("token").asText(),
                CaPin.certificate(ca.certificate())), tls, tls.resolve("qemu"));
        X509Certificate before = Pem.readCertificate(tls.resolve("node.crt"));

        EnrollmentException reused = assertThrows(EnrollmentException.class, () -> NodeEnrollment.enroll(NODE, List.of(NODE_ADDRESS), tpm,
                new EngineEnrollment(enrollment, first.path("token").asText(), CaPin.certificate(ca.certificate())), tls,
                tls.resolve("qemu")));
        assertTrue(reused.getMessage().contains("(403 TOKEN_USED)"), reused.getMessage());
        assertFalse(reused.getMessage().contains(first.path("token").asText()), "the token is not repeated");
        assertEquals(before, Pem.readCertificate(tls.resolve("node.crt")), "nothing was written");

        IssuedIdentity old = IssuedIdentity.readPem(tls, "node");
        X509Certificate oldAk = Pem.readCertificate(tls.resolve("ak.crt"));
        assertEquals("ok", new EngineClient(operator.base(), MutualTls.context(old)).send("GET", "/v1/health", null).path("status")
                .asText());
        JsonNode fresh = issue(NODE);
        NodeEnrollment.enroll(NODE, List.of(NODE_ADDRESS), tpm, new EngineEnrollment(enrollment, fresh.path("token").asText(),
                CaPin.certificate(ca.certificate())), tls, tls.resolve("qemu"));
        assertNotEquals(before.getSerialNumber(), Pem.readCertificate(tls.resolve("node.crt")).getSerialNumber());
        // attack: the re-enrolled node's old identity (a copy left on a disk, a stolen backup) is refused on its next handshake
        EngineClientException refused = assertThrows(EngineClientException.class, () -> new EngineClient(operator.base(),
                MutualTls.context(old)).send("GET", "/v1/health", null));
        assertEquals(EngineClientException.NO_ANSWER, refused.status(), refused.getMessage());
        assertEquals("ok", new EngineClient(operator.base(), MutualTls.context(IssuedIdentity.readPem(tls, "node"))).send("GET",
                "/v1/health", null).path("status").asText(), "the new identity works");
        for (X509Certificate superseded : List.of(before, oldAk)) {
            JsonNode record = certificate(superseded);
            assertEquals("REVOKED", record.path("state").asText(), record.toString());
            assertTrue(record.path("revocationReason").asText().contains("enrolled again"), record.toString());
        }
        assertEquals("VALID", certificate(Pem.readCertificate(tls.resolve("ak.crt"))).path("state").asText());
        assertEquals("RE_ENROLLED", token(fresh.path("id").asText()).path("outcome").asText(), "a re-enrollment is recorded as such");
        assertNoTokenLogged();
    }

    @Test
    void tokensThatDoNotAuthenticateAre401() throws Exception {
        Answer none = post("/v1/enrollment/challenge", null, challengeBody(NODE));
        assertEquals(401, none.status());
        assertEquals("INVALID_TOKEN", none.code());
        assertTrue(none.response().headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        for (String bad : List.of("Bearer garbage", "Basic dXNlcjpwYXNz", "Bearer vtpcm1.0123456789ab." + "A".repeat(43))) {
            Answer answer = post("/v1/enrollment/challenge", bad, challengeBody(NODE));
            assertEquals(401, answer.status(), bad);
            assertEquals("INVALID_TOKEN", answer.code(), bad);
        }
        JsonNode expiring = issue(NODE);
        clock.advance(Duration.ofMinutes(16));
        try {
            Answer expired = post("/v1/enrollment/challenge", bearer(expiring), challengeBody(NODE));
            assertEquals(401, expired.status());
            assertEquals("TOKEN_EXPIRED", expired.code());
        } finally {
            clock.advance(Duration.ofMinutes(-16));
        }
        assertNoTokenLogged();
    }

    @Test
    void aTokenOnlyEnrollsItsOwnNodeAndNotOnceRevoked() throws Exception {
        JsonNode forOther = issue("vtpcm-n2");
        Answer wrongNode = post("/v1/enrollment/challenge", bearer(forOther), challengeBody(NODE));
        assertEquals(403, wrongNode.status());
        assertEquals("WRONG_NODE", wrongNode.code());
        assertTrue(wrongNode.message().contains("vtpcm-n2"), wrongNode.message());

        JsonNode revoked = issue(NODE);
        operator.send("DELETE", "/v1/enrollment-tokens/" + revoked.path("id").asText(), null);
        Answer refused = post("/v1/enrollment/challenge", bearer(revoked), challengeBody(NODE));
        assertEquals(403, refused.status());
        assertEquals("TOKEN_REVOKED", refused.code());
        assertEquals("REVOKED", token(revoked.path("id").asText()).path("state").asText());
    }

    @Test
    void aNodeCannotObtainACertificateForTheEnginesAddress() throws Exception {
        // vtpcm-n2's manager is at 10.9.9.2; the engine listens on 127.0.0.1
        JsonNode issued = issue("vtpcm-n2");
        Answer challenge = post("/v1/enrollment/challenge", bearer(issued), challengeBody("vtpcm-n2"));
        assertEquals(200, challenge.status(), challenge.body().toString());
        Answer refused = post("/v1/enrollment/answer", bearer(issued), answerBody(challenge.body().path("challengeId").asText(),
                new byte[32], List.of(OTHER_NODE_ADDRESS, "127.0.0.1")));
        assertBad(refused, 400);
        assertTrue(refused.message().contains("engine's address"), refused.message());
        assertEquals("ACTIVE", token(issued.path("id").asText()).path("state").asText(), "refused before anything is spent");
    }

    @Test
    void aWrongAnswerSpendsTheToken() throws Exception {
        JsonNode issued = issue(NODE);
        Answer challenge = post("/v1/enrollment/challenge", bearer(issued), challengeBody(NODE));
        assertEquals(200, challenge.status(), challenge.body().toString());
        byte[] guess = new byte[32];
        new SecureRandom().nextBytes(guess);
        Answer wrong = post("/v1/enrollment/answer", bearer(issued), answerBody(challenge.body().path("challengeId").asText(), guess,
                List.of(NODE_ADDRESS)));
        assertEquals(403, wrong.status());
        assertEquals("PROOF_FAILED", wrong.code());
        assertEquals("PROOF_FAILED", token(issued.path("id").asText()).path("outcome").asText());
        Answer again = post("/v1/enrollment/challenge", bearer(issued), challengeBody(NODE));
        assertEquals(403, again.status());
        assertEquals("TOKEN_USED", again.code());
        assertNoTokenLogged();
    }

    @Test
    void aChallengeIsAnsweredOnceAndOnlyWithItsToken() throws Exception {
        JsonNode issued = issue(NODE);
        JsonNode other = issue(NODE);
        Answer challenge = post("/v1/enrollment/challenge", bearer(issued), challengeBody(NODE));
        String id = challenge.body().path("challengeId").asText();
        Answer foreign = post("/v1/enrollment/answer", bearer(other), answerBody(id, new byte[32], List.of(NODE_ADDRESS)));
        assertEquals(403, foreign.status());
        assertEquals("UNKNOWN_CHALLENGE", foreign.code());
        Answer unknown = post("/v1/enrollment/answer", bearer(issued), answerBody("0".repeat(32), new byte[32], List.of(NODE_ADDRESS)));
        assertEquals(403, unknown.status());
        assertEquals("UNKNOWN_CHALLENGE", unknown.code());
        clock.advance(Duration.ofMinutes(3));
        try {
            Answer late = post("/v1/enrollment/answer", bearer(issued), answerBody(id, new byte[32], List.of(NODE_ADDRESS)));
            assertEquals(403, late.status(), "the challenge expired after two minutes");
            assertEquals("UNKNOWN_CHALLENGE", late.code());
        } finally {
            clock.advance(Duration.ofMinutes(-3));
        }
        assertEquals("ACTIVE", token(issued.path("id").asText()).path("state").asText(), "a refused answer to no challenge spends nothing");
    }

    @Test
    void malformedBodiesAre400Or413() throws Exception {
        JsonNode issued = issue(NODE);
        String auth = bearer(issued);
        assertBad(post("/v1/enrollment/challenge", auth, ""), 400);
        assertBad(post("/v1/enrollment/challenge", auth, "{not json"), 400);
        assertBad(post("/v1/enrollment/challenge", auth, "[]"), 400);
        assertBad(post("/v1/enrollment/challenge", auth, challengeBody(NODE).put("extra", 1).toString()), 400);
        assertBad(post("/v1/enrollment/challenge", auth, challengeBody(NODE).put("ekPublicArea", "***").toString()), 400);
        assertBad(post("/v1/enrollment/challenge", auth, challengeBody(NODE).put("ekPublicArea", Base64.getEncoder()
                .encodeToString(new byte[64])).toString()), 400);
        assertBad(post("/v1/enrollment/challenge", auth, challengeBody(NODE).put("akPublicArea", Base64.getEncoder()
                .encodeToString(tpm.endorsementKeyPublic())).toString()), 400);
        assertBad(post("/v1/enrollment/challenge", auth, "{\"ekPublicArea\":\"AA==\"}"), 400);
        assertBad(post("/v1/enrollment/challenge", auth, "{\"node\":\"" + "x".repeat(20_000) + "\"}"), 413);

        String id = post("/v1/enrollment/challenge", auth, challengeBody(NODE)).body().path("challengeId").asText();
        for (String address : List.of("not-an-ip", "1::2::3", "10.0.0.256", "example.org")) {
            assertBad(post("/v1/enrollment/answer", auth, answerBody(id, new byte[32], List.of(address))), 400);
        }
        assertBad(post("/v1/enrollment/answer", auth, answerBody(id, new byte[32], List.of(OTHER_NODE_ADDRESS))), 400);
        assertBad(post("/v1/enrollment/answer", auth, answerBody(id, new byte[32], List.of())), 400);
        assertBad(post("/v1/enrollment/answer", auth, answerBody(id, new byte[32], List.of(NODE_ADDRESS)).put("secret", "%%")), 400);
        assertBad(post("/v1/enrollment/answer", auth, answerBody(id, new byte[32], List.of(NODE_ADDRESS)).put("tlsPublicKey",
                "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")), 400);
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        assertBad(post("/v1/enrollment/answer", auth, answerBody(id, new byte[32], List.of(NODE_ADDRESS)).put("migrationTlsPublicKey",
                Pem.toPem(rsa.generateKeyPair().getPublic()))), 400);
        assertBad(post("/v1/enrollment/answer", auth, answerBody("short", new byte[32], List.of(NODE_ADDRESS))), 400);
        assertEquals("ACTIVE", token(issued.path("id").asText()).path("state").asText(), "bad input spends no token");
    }

    @Test
    void theEnrollmentPortServesOnlyTheExchangeAndTheApiStillNeedsACertificate() throws Exception {
        for (String[] route : new String[][] {{"GET", "/v1/hosts"}, {"GET", "/v1/health"}, {"POST", "/v1/enrollment-tokens"},
            {"GET", "/v1/enrollment-tokens"}, {"GET", "/metrics"}, {"POST", "/v1/migrations"}}) {
            Answer answer = send(route[0], enrollment.resolve(route[1]), null, route[0].equals("POST") ? "{}" : null);
            assertEquals(404, answer.status(), String.join(" ", route));
            assertEquals("NO_SUCH_ENDPOINT", answer.code());
        }
        assertError(404, "NO_SUCH_ENDPOINT", () -> operator.send("POST", "/v1/enrollment/challenge", JSON.createObjectNode()));
        // a client without a certificate gets no TLS session on the API's port
        EnrollmentException refused = assertThrows(EnrollmentException.class, () -> new EngineEnrollment(operator.base(),
                "vtpcm1.0123456789ab." + "A".repeat(43), CaPin.certificate(ca.certificate())).challenge(NODE, new byte[1], new byte[1]));
        assertTrue(refused.getMessage().startsWith("cannot reach the engine's enrollment endpoint"), refused.getMessage());
    }

    @Test
    void onlyOperatorsManageTokensAndBadRequestsAre4xx() throws Exception {
        assertError(403, "FORBIDDEN", () -> nodeIdentity.send("POST", "/v1/enrollment-tokens", JSON.createObjectNode().put("node", NODE)));
        assertError(403, "FORBIDDEN", () -> nodeIdentity.send("GET", "/v1/enrollment-tokens", null));
        assertError(404, "NOT_FOUND", () -> operator.send("POST", "/v1/enrollment-tokens", JSON.createObjectNode().put("node", "n9")));
        assertError(400, "BAD_REQUEST", () -> operator.send("POST", "/v1/enrollment-tokens", JSON.createObjectNode()
                .put("node", "vtpcm-engine")));
        assertError(400, "BAD_REQUEST", () -> operator.send("POST", "/v1/enrollment-tokens", JSON.createObjectNode()));
        assertError(400, "BAD_REQUEST", () -> operator.send("POST", "/v1/enrollment-tokens", JSON.createObjectNode().put("node", NODE)
                .put("ttlSeconds", 10)));
        assertError(400, "BAD_REQUEST", () -> operator.send("POST", "/v1/enrollment-tokens", JSON.createObjectNode().put("node", NODE)
                .put("ttlSeconds", 100_000)));
        assertError(400, "BAD_REQUEST", () -> operator.send("POST", "/v1/enrollment-tokens", JSON.createObjectNode().put("node", NODE)
                .put("ttlSeconds", "soon")));
        assertError(400, "BAD_REQUEST", () -> operator.send("DELETE", "/v1/enrollment-tokens/nope", null));
        assertError(404, "NOT_FOUND", () -> operator.send("DELETE", "/v1/enrollment-tokens/0123456789ab", null));

        JsonNode issued = issue(NODE);
        assertTrue(issued.path("token").asText().startsWith("vtpcm1." + issued.path("id").asText() + "."));
        assertEquals("operator", token(issued.path("id").asText()).path("createdBy").asText());
        String list = operator.send("GET", "/v1/enrollment-tokens", null).toString();
        assertFalse(list.contains("\"token\""), list);
        for (String token : issuedTokens) {
            assertFalse(list.contains(token.substring(token.lastIndexOf('.') + 1)), "no secret in the list");
        }
        Answer spent = spend(issued);
        assertEquals(403, spent.status());
        assertError(409, "TOKEN_USED", () -> operator.send("DELETE", "/v1/enrollment-tokens/" + issued.path("id").asText(), null));
    }

    @Test
    void withoutAnEnrollmentPortTokensAreNotIssued() throws Exception {
        Properties properties = new Properties();
        int port = freePort();
        properties.setProperty("api.address", "127.0.0.1");
        properties.setProperty("api.port", String.valueOf(port));
        properties.setProperty("state.dir", folder.resolve("disabled").toString());
        properties.setProperty("hosts", NODE);
        properties.setProperty("host." + NODE + ".manager", "https://127.0.0.1:1");
        properties.setProperty("host." + NODE + ".libvirt", "qemu+tcp://127.0.0.1/system");
        EngineConfig config = EngineConfig.from(properties, folder.resolve("disabled.conf"));
        EngineDaemon disabled = Guice.createInjector(new EngineModule(config)).getInstance(EngineDaemon.class);
        disabled.start();
        try {
            assertTrue(disabled.enrollmentPort().isEmpty());
            EngineClient client = new EngineClient(URI.create("https://127.0.0.1:" + port), MutualTls.context(CloudCa.load(
                    config.caDirectory()).issueTlsIdentity(Role.OPERATOR, "operator", List.of(), List.of(), Duration.ofDays(1), false, true)));
            assertError(409, "ENROLLMENT_DISABLED", () -> client.send("POST", "/v1/enrollment-tokens", JSON.createObjectNode()
                    .put("node", NODE)));
        } finally {
            disabled.close();
        }
    }

    // helpers

    private record Answer(HttpResponse<String> response, JsonNode body) {
        int status() {
            return response.statusCode();
        }

        String code() {
            return body.path("code").asText();
        }

        String message() {
            return body.path("message").asText();
        }
    }

    private static JsonNode issue(String node) {
        JsonNode issued = operator.send("POST", "/v1/enrollment-tokens", JSON.createObjectNode().put("node", node).put("ttlSeconds", 900));
        issuedTokens.add(issued.path("token").asText());
        return issued;
    }

    private static JsonNode token(String id) {
        for (JsonNode token : operator.send("GET", "/v1/enrollment-tokens", null).path("tokens")) {
            if (token.path("id").asText().equals(id)) {
                return token;
            }
        }
        throw new AssertionError("no token " + id + " listed");
    }

    /** The engine's registry entry for a certificate. */
    private static JsonNode certificate(X509Certificate certificate) {
        String serial = certificate.getSerialNumber().toString(16);
        for (JsonNode record : operator.send("GET", "/v1/certificates", null).path("certificates")) {
            if (record.path("serial").asText().equals(serial)) {
                return record;
            }
        }
        throw new AssertionError("certificate " + serial + " is not in the engine's registry");
    }

    /** Spends a token with a wrong answer. */
    private static Answer spend(JsonNode issued) throws Exception {
        String id = post("/v1/enrollment/challenge", bearer(issued), challengeBody(NODE)).body().path("challengeId").asText();
        return post("/v1/enrollment/answer", bearer(issued), answerBody(id, new byte[32], List.of(NODE_ADDRESS)));
    }

    private static String bearer(JsonNode issued) {
        return "Bearer " + issued.path("token").asText();
    }

    private static ObjectNode challengeBody(String node) {
        return JSON.createObjectNode().put("node", node).put("ekPublicArea", Base64.getEncoder().encodeToString(tpm.endorsementKeyPublic()))
                .put("akPublicArea", Base64.getEncoder().encodeToString(tpm.attestationKey().publicArea()));
    }

    private static ObjectNode answerBody(String challengeId, byte[] secret, List<String> addresses) {
        ObjectNode body = JSON.createObjectNode().put("challengeId", challengeId).put("secret", Base64.getEncoder().encodeToString(secret))
                .put("tlsPublicKey", Pem.toPem(CloudCa.newTlsKeyPair().getPublic()))
                .put("migrationTlsPublicKey", Pem.toPem(CloudCa.newTlsKeyPair().getPublic()));
        addresses.forEach(body.putArray("ipAddresses")::add);
        return body;
    }

    private static Answer post(String path, String authorization, Object body) throws Exception {
        return send("POST", enrollment.resolve(path), authorization, body.toString());
    }

    private static Answer send(String method, URI uri, String authorization, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = anonymous.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertFalse(response.body().contains("Exception") || response.body().contains("\tat "), "no stack trace: " + response.body());
        return new Answer(response, response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body()));
    }

    private static void assertBad(Answer answer, int status) {
        assertEquals(status, answer.status(), answer.body().toString());
        assertEquals(status == 413 ? "TOO_LARGE" : "BAD_REQUEST", answer.code(), answer.body().toString());
        assertFalse(answer.message().isBlank());
    }

    private static void assertError(int status, String code, org.junit.jupiter.api.function.Executable call) {
        EngineClientException e = assertThrows(EngineClientException.class, call);
        assertEquals(status, e.status(), e.getMessage());
        assertEquals(code, e.code(), e.getMessage());
    }

    /** No log line of the engine (or anything else in this JVM) carries a token's secret. */
    private static void assertNoTokenLogged() {
        for (ILoggingEvent event : log.list) {
            String line = event.getFormattedMessage() + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage());
            for (String token : issuedTokens) {
                assertFalse(line.contains(token.substring(token.lastIndexOf('.') + 1)), "a token in the log: " + line);
            }
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
