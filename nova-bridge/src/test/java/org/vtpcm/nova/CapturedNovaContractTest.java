package org.vtpcm.nova;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * nova-bridge against what the lab's real Nova (Debian's Zed, nova 26.2) answered, captured by
 * {@code devstack/lab/openstack/capture-nova-contract.sh} into {@code contract/captured/}: the
 * version document, an admin server view at 2.93, the hypervisors at 2.1, and Nova's error bodies.
 */
class CapturedNovaContractTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeOpenStack openstack = new FakeOpenStack();
    private final NovaCloudClient nova;

    CapturedNovaContractTest() throws Exception {
        openstack.versionDocument(captured("version-v2.1.json"));
        nova = new NovaCloudClient(NovaSettings.from(openstack.settings()), SSLContext.getDefault());
    }

    @AfterEach
    void stop() {
        nova.close();
        openstack.close();
    }

    private static String captured(String name) {
        return FakeOpenStack.fixture("captured/" + name);
    }

    @Test
    void zedsVersionDocumentNegotiates293() {
        openstack.on("GET", "/servers/x", 404, "{\"itemNotFound\": {\"code\": 404, \"message\": \"gone\"}}");
        assertThrows(NovaNotFoundException.class, () -> nova.server("x"));
        assertEquals(new ComputeApiVersion(2, 93), nova.computeApiVersion());
    }

    @Test
    void theRealAdminServerViewParses() throws Exception {
        JsonNode raw = JSON.readTree(captured("server-get-admin-v2.93.json")).path("server");
        String id = raw.path("id").asText();
        openstack.on("GET", "/servers/" + id, 200, captured("server-get-admin-v2.93.json"));

        NovaServer server = nova.server(id);

        assertEquals(raw.path("status").asText(), server.status());
        assertEquals(Optional.of(raw.path("OS-EXT-SRV-ATTR:host").asText()), server.host());
        assertEquals(Optional.of(raw.path("OS-EXT-SRV-ATTR:instance_name").asText()), server.instanceName());
        assertEquals(Optional.empty(), server.taskState(), "a settled server has task_state null");
    }

    @Test
    void theRealHypervisorsParseWithTheirServiceHosts() throws Exception {
        openstack.on("GET", "/os-hypervisors/detail", 200, captured("hypervisors-detail-v2.1.json"));

        List<Hypervisor> hypervisors = nova.hypervisors();

        JsonNode raw = JSON.readTree(captured("hypervisors-detail-v2.1.json")).path("hypervisors");
        assertEquals(raw.size(), hypervisors.size());
        for (Hypervisor hypervisor : hypervisors) {
            assertTrue(hypervisor.host().startsWith("vtpcm-n"), hypervisor.toString());
            assertTrue(hypervisor.usable(), "both lab computes are up and enabled: " + hypervisor);
            assertTrue(hypervisor.memoryMb() > 0, hypervisor.toString());
        }
    }

    @Test
    void theRealMigrationRecordsParse() throws Exception {
        JsonNode raw = JSON.readTree(captured("os-migrations-v2.93.json")).path("migrations");
        String server = raw.get(0).path("instance_uuid").asText();
        openstack.on("GET", "/os-migrations?instance_uuid=" + server, 200, captured("os-migrations-v2.93.json"));

        List<ServerMigration> migrations = nova.migrationHistory(server);

        assertFalse(migrations.isEmpty());
        assertTrue(migrations.stream().anyMatch(m -> m.status().equals("completed") && m.migrationType().equals(Optional.of(
                "live-migration"))), migrations.toString());
    }

    @Test
    void theRealErrorBodiesBecomeTypedExceptionsWithNovasMessage() throws Exception {
        String notFound = captured("fault-server-not-found.json");
        openstack.on("GET", "/servers/00000000-0000-0000-0000-000000000000", 404, notFound);
        NovaNotFoundException missing = assertThrows(NovaNotFoundException.class, () -> nova.server(
                "00000000-0000-0000-0000-000000000000"));
        assertTrue(missing.getMessage().contains(JSON.readTree(notFound).path("itemNotFound").path("message").asText()),
                missing.getMessage());
        String body = captured("fault-live-migrate-unknown-host.json");
        int status = Integer.parseInt(captured("fault-live-migrate-unknown-host.status").strip());
        openstack.on("POST", "/servers/s1/action", status, body);
        NovaApiException refused = assertThrows(NovaApiException.class, () -> nova.liveMigrate("s1", Optional.of("no-such-host")));
        String message = JSON.readTree(body).elements().next().path("message").asText();
        assertTrue(refused.getMessage().contains(message), refused.getMessage() + " / " + message);
    }
}
