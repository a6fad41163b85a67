package org.vtpcm.engine.api;

import org.vtpcm.protocol.pki.Role;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Guice;
import com.google.inject.Injector;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.engine.EngineDaemon;
import org.vtpcm.engine.EngineModule;
import org.vtpcm.engine.client.EngineClient;
import org.vtpcm.engine.client.EngineClientException;
import org.vtpcm.engine.config.EngineConfig;
import org.vtpcm.engine.journal.MigrationJournal;
import org.vtpcm.engine.journal.MigrationOptions;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.tls.MutualTls;

/**
 * The engine's real REST API over mutual TLS, with a host whose manager is unreachable: every bad
 * input gets its 4xx and a JSON error, node certificates and foreign CAs are refused.
 */
class EngineApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path folder;
    private static EngineDaemon daemon;
    private static MigrationJournal journal;
    private static EngineClient operator;
    private static EngineClient node;
    private static EngineClient compute;
    private static EngineClient otherCompute;
    private static EngineClient dashboard;

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Properties properties = new Properties();
        properties.setProperty("api.address", "127.0.0.1");
        properties.setProperty("api.port", String.valueOf(port));
        properties.setProperty("state.dir", folder.resolve("state").toString());
        properties.setProperty("hosts", "n1");
        properties.setProperty("host.n1.manager", "https://127.0.0.1:1");
        properties.setProperty("host.n1.libvirt", "qemu+tcp://127.0.0.1/system");
        EngineConfig config = EngineConfig.from(properties, folder.resolve("engine.conf"));
        Injector injector = Guice.createInjector(new EngineModule(config));
        daemon = injector.getInstance(EngineDaemon.class);
        journal = injector.getInstance(MigrationJournal.class);
        daemon.start();
        CloudCa ca = CloudCa.load(config.caDirectory());
        URI base = URI.create("https://127.0.0.1:" + port);
        operator = new EngineClient(base, MutualTls.context(ca.issueTlsIdentity(Role.OPERATOR, "operator", List.of(), List.of(), Duration.ofDays(1), false,
                true)));
        node = new EngineClient(base, MutualTls.context(ca.issueTlsIdentity(Role.NODE_MANAGER, "n1", List.of(), List.of(), Duration.ofDays(1), false, true)));
        compute = new EngineClient(base, MutualTls.context(ca.issueTlsIdentity(Role.NOVA_COMPUTE, "nova-compute.n1", List.of(), List.of(), Duration.ofDays(1),
                false, true)));
        otherCompute = new EngineClient(base, MutualTls.context(ca.issueTlsIdentity(Role.NOVA_COMPUTE, "nova-compute.n7", List.of(), List.of(),
                Duration.ofDays(1), false, true)));
        dashboard = new EngineClient(base, MutualTls.context(ca.issueTlsIdentity(Role.DASHBOARD, "horizon", List.of(), List.of(),
                Duration.ofDays(1), false, true)));
    }

    @AfterAll
    static void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void badInputGetsA4xxWithAClearMessage() {
        assertError(400, "BAD_REQUEST", () -> operator.send("POST", "/v1/migrations", JSON.createObjectNode().put("vm", "../etc")));
        assertError(400, "BAD_REQUEST", () -> operator.send("POST", "/v1/migrations", JSON.createObjectNode().put("vm", "g")
                .put("parallel", 99)));
        assertError(400, "BAD_REQUEST", () -> operator.send("POST", "/v1/migrations", JSON.createObjectNode().put("vm", "g")
                .put("strategy", "explicit")));
        assertError(400, "BAD_REQUEST", () -> operator.send("POST", "/v1/migrations", JSON.createObjectNode().put("vm", "g")
                .put("unknownField", 1)));
        assertError(404, "NOT_FOUND", () -> operator.send("POST", "/v1/migrations", JSON.createObjectNode().put("vm", "no-such-vm")));
        assertError(400, "BAD_REQUEST", () -> operator.migration("not-a-uuid"));
        assertError(404, "NOT_FOUND", () -> operator.migration("00000000-0000-0000-0000-000000000001"));
        assertError(404, "NOT_FOUND", () -> operator.receipt("00000000-0000-0000-0000-000000000001"));
        assertError(400, "BAD_REQUEST", () -> operator.send("GET", "/v1/migrations?limit=0", null));
        assertError(404, "NOT_FOUND", () -> operator.send("GET", "/v1/hosts/nope", null));
        assertError(400, "BAD_REQUEST", () -> operator.addReferenceValue(12, "file:/x", "zz", "bad digest"));
        assertError(404, "NOT_FOUND", () -> operator.removeReferenceValue(424242));
        assertError(404, "NO_SUCH_ENDPOINT", () -> operator.send("GET", "/v1/nothing", null));
    }

    @Test
    void referenceValuesAreManaged() {
        JsonNode added = operator.addReferenceValue(12, "file:/etc/vtpcm/manager.conf", "ab".repeat(32), "config");
        assertTrue(operator.referenceValues().path("referenceValues").toString().contains("manager.conf"));
        operator.removeReferenceValue(added.path("id").asLong());
        assertTrue(!operator.referenceValues().path("referenceValues").toString().contains("manager.conf"));
    }

    @Test
    void anUnreachableHostIsShownAsSuchAndCannotBeTrusted() {
        JsonNode host = operator.hosts().path("hosts").get(0);
        assertEquals(false, host.path("reachable").asBoolean());
        assertError(503, "UNREACHABLE", () -> operator.trust("n1"));
        assertEquals(1, operator.vtpcms().path("unreachable").size());
    }

    @Test
    void nodesMayNotDriveMigrations() {
        assertError(403, "FORBIDDEN", () -> node.send("GET", "/v1/migrations", null));
        assertEquals("ok", node.send("GET", "/v1/health", null).path("status").asText());
    }

    @Test
    void aComputeServiceMayCallOnlyTheNovaHooksOfItsOwnMigrations() {
        assertError(403, "FORBIDDEN", () -> compute.send("GET", "/v1/migrations", null));
        assertError(403, "FORBIDDEN", () -> compute.send("POST", "/v1/hosts/n1/trust", JSON.createObjectNode()));
        assertError(403, "FORBIDDEN", () -> otherCompute.send("POST", "/v1/nova/live-migrations", JSON.createObjectNode()
                .put("instanceUuid", "00000000-0000-0000-0000-000000000002").put("source", "n1").put("destination", "n2")));
        // only the destination's compute service begins (Nova's pre-check runs there): a source cannot start pulling state
        assertError(403, "FORBIDDEN", () -> otherCompute.send("POST", "/v1/nova/live-migrations", JSON.createObjectNode()
                .put("instanceUuid", "00000000-0000-0000-0000-000000000002").put("source", "n7").put("destination", "n1")));
        // its own node's migration: the request is valid, the VM unknown (the only manager is unreachable)
        assertError(404, "NOT_FOUND", () -> compute.send("POST", "/v1/nova/live-migrations", JSON.createObjectNode()
                .put("instanceUuid", "00000000-0000-0000-0000-000000000002").put("source", "n2").put("destination", "n1")
                .put("nativeTls", true)));
        // without QEMU's native TLS the swtpm state would cross in clear
        assertError(409, "NATIVE_TLS_REQUIRED", () -> compute.send("POST", "/v1/nova/live-migrations", JSON.createObjectNode()
                .put("instanceUuid", "00000000-0000-0000-0000-000000000002").put("source", "n2").put("destination", "n1")));
        assertError(409, "NATIVE_TLS_REQUIRED", () -> compute.send("POST", "/v1/nova/live-migrations", JSON.createObjectNode()
                .put("instanceUuid", "00000000-0000-0000-0000-000000000002").put("source", "n2").put("destination", "n1")
                .put("nativeTls", false)));
        assertError(404, "NOT_FOUND", () -> compute.send("POST", "/v1/nova/instances/00000000-0000-0000-0000-000000000002/prepare",
                JSON.createObjectNode()));
        assertError(404, "NOT_FOUND", () -> compute.send("GET", "/v1/nova/instances/00000000-0000-0000-0000-000000000002/migration",
                null));
    }

    @Test
    void theNovaHooksAnswerBadInputWithA4xx() {
        assertError(400, "BAD_REQUEST", () -> compute.send("POST", "/v1/nova/live-migrations", JSON.createObjectNode()
                .put("instanceUuid", "nope").put("source", "n2").put("destination", "n1")));
        assertError(400, "BAD_REQUEST", () -> compute.send("POST", "/v1/nova/live-migrations", JSON.createObjectNode()
                .put("instanceUuid", "00000000-0000-0000-0000-000000000002").put("source", "n1").put("destination", "n1")));
        assertError(400, "BAD_REQUEST", () -> compute.send("POST", "/v1/nova/live-migrations", JSON.createObjectNode()
                .put("instanceUuid", "00000000-0000-0000-0000-000000000002").put("source", "../x").put("destination", "n1")));
        assertError(400, "BAD_REQUEST", () -> compute.send("POST", "/v1/nova/instances/not-a-uuid/commit", JSON.createObjectNode()));
        assertError(400, "BAD_REQUEST", () -> compute.send("GET", "/v1/nova/instances/00000000-0000-0000-0000-000000000002/migration"
                + "?migrationId=nope", null));
        assertError(400, "BAD_REQUEST", () -> operator.send("POST", "/v1/migrations", JSON.createObjectNode().put("vm", "g")
                .put("strategy", "nova").put("to", "n1")));
    }

    @Test
    void nodeManagerAndComputeCertificatesAreNoOperators() {
        for (EngineClient caller : List.of(node, compute)) {
            assertError(403, "FORBIDDEN", () -> caller.send("GET", "/v1/migrations", null));
            assertError(403, "FORBIDDEN", () -> caller.send("POST", "/v1/migrations", JSON.createObjectNode().put("vm", "g")));
            assertError(403, "FORBIDDEN", () -> caller.send("POST", "/v1/migrations/00000000-0000-0000-0000-000000000001/abort",
                    JSON.createObjectNode()));
            assertError(403, "FORBIDDEN", () -> caller.send("POST", "/v1/hosts/n1/trust", JSON.createObjectNode()));
            assertError(403, "FORBIDDEN", () -> caller.send("GET", "/v1/hosts", null));
            assertError(403, "FORBIDDEN", () -> caller.send("POST", "/v1/reference-values", JSON.createObjectNode()));
            assertError(403, "FORBIDDEN", () -> caller.send("POST", "/v1/enrollment-tokens", JSON.createObjectNode().put("node", "n1")));
            assertError(403, "FORBIDDEN", () -> caller.send("GET", "/v1/vtpcms", null));
            assertError(403, "FORBIDDEN", () -> caller.send("POST", "/v1/nova/migrations", JSON.createObjectNode().put("vm", "g")));
            assertError(403, "FORBIDDEN", () -> caller.send("GET", "/metrics", null));
            assertEquals("ok", caller.send("GET", "/v1/health", null).path("status").asText());
        }
        // a node's certificate is not a compute service either
        assertError(403, "FORBIDDEN", () -> node.send("POST", "/v1/nova/instances/00000000-0000-0000-0000-000000000002/send",
                JSON.createObjectNode()));
        assertError(404, "NO_SUCH_ENDPOINT", () -> node.send("GET", "/v1/nothing", null));
    }

    @Test
    void operatorsAndDashboardsDoNotCallNovaHooksAndDashboardsOnlyRead() {
        assertError(403, "FORBIDDEN", () -> operator.send("POST", "/v1/nova/instances/00000000-0000-0000-0000-000000000002/send",
                JSON.createObjectNode()));
        assertError(403, "FORBIDDEN", () -> dashboard.send("POST", "/v1/nova/live-migrations", JSON.createObjectNode()));
        assertEquals(1, dashboard.send("GET", "/v1/hosts", null).path("hosts").size());
        assertError(403, "FORBIDDEN", () -> dashboard.send("POST", "/v1/hosts/n1/trust", JSON.createObjectNode()));
        assertError(403, "FORBIDDEN", () -> dashboard.send("POST", "/v1/reference-values", JSON.createObjectNode()));
        assertError(403, "FORBIDDEN", () -> dashboard.send("GET", "/v1/enrollment-tokens", null));
    }

    @Test
    void theSideCheckFindsTheMigrationHoweverManyOthersFollowIt() {
        UUID vm = UUID.fromString("00000000-0000-0000-0000-0000000000aa");
        UUID migration = UUID.randomUUID();
        MigrationOptions options = new MigrationOptions("nova", 1, false, true, false, 0);
        journal.create(migration, "00".repeat(32), vm, options);
        journal.source(migration, "vm", UUID.randomUUID(), "n2", 1);
        journal.destination(migration, "n1");
        for (int i = 0; i < 520; i++) { // the attack: cheap failing begins used to push it out of the newest 500 rows
            UUID other = UUID.randomUUID();
            journal.create(other, "00".repeat(32), UUID.randomUUID(), options);
            journal.end(other, Phase.ROLLED_BACK, "refused");
        }
        String hooks = "/v1/nova/instances/" + vm;
        // n1 is the destination: it may never make the source send the state
        assertError(403, "FORBIDDEN", () -> compute.send("POST", hooks + "/send", JSON.createObjectNode()));
        assertError(403, "FORBIDDEN", () -> compute.send("POST", hooks + "/send?migrationId=" + migration, JSON.createObjectNode()));
        assertEquals(migration.toString(), compute.send("GET", hooks + "/migration", null).path("migration").path("id").asText());
        assertError(404, "NOT_FOUND", () -> compute.send("GET", hooks + "/migration?migrationId=" + UUID.randomUUID(), null));
        // its own side, but the engine runs no such migration (nothing here began it)
        assertError(404, "NOT_FOUND", () -> compute.send("POST", hooks + "/prepare", JSON.createObjectNode()));
        journal.end(migration, Phase.ROLLED_BACK, "test over");
    }

    @Test
    void aMigrationWithoutTlsIsRefused() {
        assertError(400, "PLAINTEXT_REFUSED", () -> operator.send("POST", "/v1/migrations", JSON.createObjectNode().put("vm", "g")
                .put("tls", false)));
    }

    @Test
    void anOperatorAbortOfAnUnknownMigrationIsNotFound() {
        assertError(404, "NOT_FOUND", () -> operator.send("POST", "/v1/migrations/00000000-0000-0000-0000-000000000009/abort",
                JSON.createObjectNode()));
    }

    @Test
    void metricsAreExposedInPrometheusFormat() {
        assertTrue(operator.metrics().contains("vtpcm_migrations_total{outcome=\"COMMITTED\"}"));
    }

    private static void assertError(int status, String code, org.junit.jupiter.api.function.Executable call) {
        EngineClientException e = assertThrows(EngineClientException.class, call);
        assertEquals(status, e.status(), e.getMessage());
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(!e.getMessage().contains("Exception"), "no stack trace or exception name leaks: " + e.getMessage());
    }
}
