package org.vtpcm.nodeapi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vtpcm.protocol.state.StateDigest;

/** The typed node API over a stand-in manager: paths, bodies, answers, and what a wrong answer becomes. */
class HttpsNodeApiTest {
    private static final UUID MIGRATION = UUID.fromString("11111111-1111-1111-1111-111111111111");
    private static final UUID VM = UUID.fromString("22222222-2222-2222-2222-222222222222");

    private HttpServer server;
    private final List<String> requests = new ArrayList<>();
    private volatile int status = 200;
    private volatile String answer = "{}";
    private NodeApi api;

    @BeforeEach
    void start() throws IOException, NoSuchAlgorithmException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + (body.isEmpty() ? "" : " " + body));
            byte[] bytes = answer.getBytes(UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        api = new HttpsNodeApi(new ManagerClient(base, SSLContext.getDefault(), Duration.ofSeconds(5), 1 << 20));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aHookPostsItsRecordToItsPathAndReadsTheTypedAnswer() {
        answer = "{\"fetchedDigest\":\"" + "ab".repeat(32) + "\",\"fetchedTypes\":\"PERMANENT,VOLATILE\",\"loadedDigest\":\"\","
                + "\"loadedTypes\":\"\",\"inSync\":true,\"addedByANewerNode\":1}";
        StateEvidence evidence = api.verify(MIGRATION, VM);
        assertEquals(List.of("POST /v1/migrations/" + MIGRATION + "/verify {\"vmUuid\":\"" + VM + "\"}"), requests);
        assertEquals(StateDigest.parse("ab".repeat(32)), evidence.left().orElseThrow(), "a field a newer node adds is ignored");
        assertTrue(evidence.arrived().isEmpty(), "an empty digest is none");
    }

    @Test
    void theSourcesViewOfTheVmMigrationIsReadByQuery() {
        answer = "{\"migrationId\":\"" + MIGRATION + "\",\"vmUuid\":\"" + VM + "\",\"status\":\"RUNNING\","
                + "\"startedAt\":\"2026-01-01T00:00:00Z\",\"confirmedAt\":\"2026-01-01T00:00:01.5Z\",\"domainState\":\"PAUSED\"}";
        OutgoingView view = api.vmMigration(MIGRATION, VM);
        assertEquals("GET /v1/migrations/" + MIGRATION + "/migrate-vm?vmUuid=" + VM, requests.get(0));
        assertEquals(VmMigrationStatus.RUNNING, view.status());
        assertTrue(view.switchedOver(), "confirmed while RUNNING is the switchover");
        assertEquals(DomainState.PAUSED, view.domainState());
    }

    @Test
    void anAnswerThatIsNotTheMessageIsMalformedNotAStackTrace() {
        answer = "{\"status\":\"SOMETHING_ELSE\"}";
        ManagerClientException e = assertThrows(ManagerClientException.class, () -> api.vmMigration(MIGRATION, VM));
        assertEquals(ManagerClientException.MALFORMED_ANSWER, e.code());
        assertTrue(e.getMessage().contains("OutgoingView"), e.getMessage());
        answer = "[1, 2]";
        assertEquals(ManagerClientException.MALFORMED_ANSWER, assertThrows(ManagerClientException.class, api::node).code());
    }

    @Test
    void aRefusalKeepsTheManagersStatusAndCode() {
        status = 409;
        answer = "{\"code\":\"MIGRATION_MISMATCH\",\"message\":\"the vTPCM is in another migration\"}";
        ManagerClientException e = assertThrows(ManagerClientException.class, () -> api.commit(MIGRATION, VM));
        assertEquals(409, e.status());
        assertEquals("MIGRATION_MISMATCH", e.code());
        assertTrue(e.getMessage().contains("another migration"), e.getMessage());
    }

    @Test
    void theLiveVtpcmsAreAList() {
        answer = "[{\"vtpcmId\":\"" + UUID.randomUUID() + "\",\"vmUuid\":\"" + VM + "\",\"vmName\":\"vm\",\"state\":\"RUNNING\","
                + "\"epoch\":3,\"host\":\"n1\",\"policy\":\"deny\",\"createdAt\":\"2026-01-01T00:00:00Z\","
                + "\"updatedAt\":\"2026-01-01T00:00:00Z\",\"attention\":null,\"migrationId\":null}]";
        List<AssociationView> rows = api.vtpcms();
        assertEquals(1, rows.size());
        assertTrue(rows.get(0).running());
        assertEquals("n9", rows.get(0).onHost("n9").host());
        assertFalse(new DomainView(VM, false, null, null).active(), "an absent domain is not active");
    }
}
