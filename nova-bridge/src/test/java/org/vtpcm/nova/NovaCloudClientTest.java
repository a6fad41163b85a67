package org.vtpcm.nova;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vtpcm.nova.FakeOpenStack.SERVER;
import static org.vtpcm.nova.FakeOpenStack.fixture;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NovaCloudClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACTION = "/servers/" + SERVER + "/action";

    private final FakeOpenStack openstack = new FakeOpenStack();
    private NovaCloudClient nova = client(openstack.settings());

    private static NovaCloudClient client(java.util.Properties properties) {
        try {
            return new NovaCloudClient(NovaSettings.from(properties), SSLContext.getDefault());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @AfterEach
    void stop() {
        nova.close();
        openstack.close();
    }

    @Test
    void liveMigrateToSchedulersChoiceSendsNullHostAndAutoBlockMigrationAtNegotiatedVersion() throws Exception {
        openstack.on("POST", ACTION, 202, "");

        nova.liveMigrate(SERVER, Optional.empty());

        List<FakeOpenStack.Recorded> posts = openstack.requests("POST", "/compute/v2.1" + ACTION);
        assertEquals(1, posts.size());
        FakeOpenStack.Recorded post = posts.get(0);
        assertEquals(JSON.readTree("{\"os-migrateLive\": {\"host\": null, \"block_migration\": \"auto\"}}"), JSON.readTree(post.body()));
        assertEquals("compute 2.93", post.header("OpenStack-API-Version"));
        assertEquals("gAAAAAB-token-1", post.header("X-Auth-Token"));
        assertEquals("application/json", post.header("Content-Type"));
    }

    @Test
    void liveMigrateToAHostNamesIt() throws Exception {
        openstack.on("POST", ACTION, 202, "");

        nova.liveMigrate(SERVER, Optional.of("vtpcm-n2"));

        String body = openstack.requests("POST", "/compute/v2.1" + ACTION).get(0).body();
        assertEquals(JSON.readTree("{\"os-migrateLive\": {\"host\": \"vtpcm-n2\", \"block_migration\": \"auto\"}}"), JSON.readTree(body));
        // the api-ref's 2.30 sample has the same keys plus the optional "force"
        assertTrue(JSON.readTree(fixture("live-migrate-request-v2.30.json")).path("os-migrateLive").has("block_migration"));
    }

    @Test
    void versionIsNegotiatedOncePerEndpoint() {
        openstack.on("POST", ACTION, 202, "");

        nova.liveMigrate(SERVER, Optional.empty());
        nova.liveMigrate(SERVER, Optional.empty());

        assertEquals(1, openstack.requests("GET", "/compute/v2.1/").size());
        assertEquals(new ComputeApiVersion(2, 93), nova.computeApiVersion());
    }

    @Test
    void olderNovaWithinRangeIsSpokenToAtItsMaximum() {
        openstack.versionDocument(fixture("nova-version-v21.json").replace("\"2.93\"", "\"2.60\""));
        openstack.on("POST", ACTION, 202, "");

        nova.liveMigrate(SERVER, Optional.empty());

        assertEquals("compute 2.60", openstack.requests("POST", "/compute/v2.1" + ACTION).get(0).header("OpenStack-API-Version"));
    }

    @Test
    void novaTooOldIsRefusedBeforeAnyAction() {
        openstack.versionDocument(fixture("nova-version-v21.json").replace("\"2.93\"", "\"2.25\""));
        openstack.on("POST", ACTION, 202, "");

        NovaTooOldException error = assertThrows(NovaTooOldException.class, () -> nova.liveMigrate(SERVER, Optional.empty()));

        assertEquals("Nova at " + openstack.computeUrl() + "/ supports compute API up to 2.25; vtpcm needs 2.30", error.getMessage());
        assertTrue(openstack.requests("POST", "/compute/v2.1" + ACTION).isEmpty());
    }

    @Test
    void versionDocumentWithoutMicroversionsIsTooOld() {
        openstack.versionDocument("{\"version\": {\"id\": \"v2.0\", \"status\": \"SUPPORTED\", \"version\": \"\", \"min_version\": \"\"}}");

        NovaTooOldException error = assertThrows(NovaTooOldException.class, () -> nova.migrations(SERVER));

        assertTrue(error.getMessage().contains("announces no compute microversions"), error.getMessage());
    }

    @Test
    void replyWithoutVersionHeaderIsStillAccepted() {
        openstack.echoVersionHeader(false);
        openstack.on("GET", "/servers/" + SERVER + "/migrations", 200, fixture("server-migrations-index.json"));

        assertEquals(1, nova.migrations(SERVER).size());
    }

    @Test
    void migrationsListAndShowAreParsed() {
        openstack.on("GET", "/servers/" + SERVER + "/migrations", 200, fixture("server-migrations-index.json"));
        openstack.on("GET", "/servers/" + SERVER + "/migrations/1", 200, fixture("server-migrations-get.json"));

        List<ServerMigration> migrations = nova.migrations(SERVER);
        ServerMigration one = nova.migration(SERVER, 1);

        assertEquals(List.of(one), migrations);
        assertEquals(1, one.id());
        assertEquals(Optional.of("12341d4b-346a-40d0-83c6-5f4f6892b650"), one.uuid());
        assertEquals("4cfba335-03d8-49b2-8c52-e69043d1e8fe", one.serverUuid());
        assertEquals("running", one.status());
        assertFalse(one.finished());
        assertEquals(Optional.of("compute1"), one.sourceCompute());
        assertEquals(Optional.of("compute2"), one.destCompute());
        assertEquals(OptionalLong.of(111111), one.memoryRemainingBytes());
        assertEquals(OptionalLong.of(234567), one.diskTotalBytes());
        assertEquals("compute 2.93",
                openstack.requests("GET", "/compute/v2.1/servers/" + SERVER + "/migrations/1").get(0).header("OpenStack-API-Version"));
    }

    @Test
    void migrationHistoryComesFromOsMigrations() {
        openstack.on("GET", "/os-migrations?instance_uuid=" + SERVER, 200, fixture("os-migrations-get.json"));

        List<ServerMigration> history = nova.migrationHistory(SERVER);

        assertEquals(4, history.size());
        ServerMigration failedLive = history.get(2);
        assertEquals(2, failedLive.id());
        assertEquals("error", failedLive.status());
        assertTrue(failedLive.finished());
        assertEquals(Optional.of("live-migration"), failedLive.migrationType());
        assertEquals("8600d31b-d1a1-4632-b2ff-45c2be1a70ff", failedLive.serverUuid());
        assertEquals(OptionalLong.empty(), failedLive.memoryTotalBytes());
    }

    @Test
    void abortDeletesTheMigration() {
        openstack.on("DELETE", "/servers/" + SERVER + "/migrations/7", 202, "");

        nova.abortMigration(SERVER, 7);

        assertEquals(1, openstack.requests("DELETE", "/compute/v2.1/servers/" + SERVER + "/migrations/7").size());
    }

    @Test
    void forceCompletePostsNullAction() throws Exception {
        openstack.on("POST", "/servers/" + SERVER + "/migrations/7/action", 202, "");

        nova.forceComplete(SERVER, 7);

        String body = openstack.requests("POST", "/compute/v2.1/servers/" + SERVER + "/migrations/7/action").get(0).body();
        assertEquals(JSON.readTree(fixture("force-complete-request-v2.22.json")), JSON.readTree(body));
    }

    @Test
    void badRequestCarriesNovasMessage() {
        String message = "Operation 'live-migration' not supported for vTPM-enabled instance (" + SERVER + ").";
        openstack.on("POST", ACTION, 400, "{\"badRequest\": {\"code\": 400, \"message\": \"" + message + "\"}}");

        NovaApiException error = assertThrows(NovaApiException.class, () -> nova.liveMigrate(SERVER, Optional.empty()));

        assertEquals(400, error.status());
        assertEquals(message, error.novaMessage());
        assertFalse(error instanceof NovaNotFoundException || error instanceof NovaConflictException);
    }

    @Test
    void notFoundIsTyped() {
        openstack.on("GET", "/servers/" + SERVER + "/migrations/9", 404,
                "{\"itemNotFound\": {\"code\": 404, \"message\": \"In-progress live migration 9 is not found for server " + SERVER + ".\"}}");

        NovaNotFoundException error = assertThrows(NovaNotFoundException.class, () -> nova.migration(SERVER, 9));

        assertEquals("In-progress live migration 9 is not found for server " + SERVER + ".", error.novaMessage());
    }

    @Test
    void conflictIsTyped() {
        String message = "Cannot 'os-migrateLive' instance " + SERVER + " while it is in task_state migrating";
        openstack.on("POST", ACTION, 409, "{\"conflictingRequest\": {\"code\": 409, \"message\": \"" + message + "\"}}");

        NovaConflictException error = assertThrows(NovaConflictException.class, () -> nova.liveMigrate(SERVER, Optional.empty()));

        assertEquals(409, error.status());
        assertEquals(message, error.novaMessage());
    }

    @Test
    void unavailableNovaIsTyped() {
        openstack.on("GET", "/servers/" + SERVER + "/migrations", 503, "<html>Service Unavailable</html>");

        assertThrows(NovaUnavailableException.class, () -> nova.migrations(SERVER));
    }

    @Test
    void rejectedTokenIsRenewedOnceAndTheCallRepeated() {
        openstack.on("POST", ACTION, 202, "");
        nova.liveMigrate(SERVER, Optional.empty());
        openstack.revokeTokens();

        nova.liveMigrate(SERVER, Optional.empty());

        assertEquals(2, openstack.tokensIssued());
        List<FakeOpenStack.Recorded> posts = openstack.requests("POST", "/compute/v2.1" + ACTION);
        assertEquals(List.of("gAAAAAB-token-1", "gAAAAAB-token-1", "gAAAAAB-token-2"),
                posts.stream().map(post -> post.header("X-Auth-Token")).toList());
    }

    @Test
    void keystoneRefusalIsAnAuthErrorWithoutThePassword() {
        openstack.keystoneStatus(401);

        NovaAuthException error = assertThrows(NovaAuthException.class, () -> nova.migrations(SERVER));

        assertTrue(error.getMessage().contains("The request you have made requires authentication."), error.getMessage());
        assertFalse(error.getMessage().contains("s3cret-pw"), error.getMessage());
    }

    @Test
    void passwordAuthenticationIsProjectScoped() throws Exception {
        openstack.on("GET", "/servers/" + SERVER + "/migrations", 200, "{\"migrations\": []}");

        nova.migrations(SERVER);

        String body = openstack.requests("POST", "/identity/v3/auth/tokens").get(0).body();
        assertEquals(JSON.readTree("{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \"vtpcm\", "
                + "\"password\": \"s3cret-pw\", \"domain\": {\"name\": \"Default\"}}}}, \"scope\": {\"project\": {\"name\": \"admin\", "
                + "\"domain\": {\"name\": \"Default\"}}}}}"), JSON.readTree(body));
    }

    @Test
    void applicationCredentialAuthentication() throws Exception {
        java.util.Properties properties = openstack.settings();
        properties.remove("nova.username");
        properties.remove("nova.password");
        properties.remove("nova.project");
        properties.setProperty("nova.application-credential-id", "423f19a4ac1e4f48bbb4180756e6eb6c");
        properties.setProperty("nova.application-credential-secret", "rEaqvJka48mpv");
        nova.close();
        nova = client(properties);
        openstack.on("GET", "/servers/" + SERVER + "/migrations", 200, "{\"migrations\": []}");

        assertEquals(List.of(), nova.migrations(SERVER));

        String body = openstack.requests("POST", "/identity/v3/auth/tokens").get(0).body();
        assertEquals(JSON.readTree("{\"auth\": {\"identity\": {\"methods\": [\"application_credential\"], \"application_credential\": "
                + "{\"id\": \"423f19a4ac1e4f48bbb4180756e6eb6c\", \"secret\": \"rEaqvJka48mpv\"}}}}"), JSON.readTree(body));
    }

    @Test
    void slowNovaTimesOut() {
        java.util.Properties properties = openstack.settings();
        properties.setProperty("nova.timeout-seconds", "1");
        nova.close();
        nova = client(properties);
        openstack.hang("GET", "/servers/" + SERVER + "/migrations");

        assertThrows(NovaUnavailableException.class, () -> nova.migrations(SERVER));
    }

    @Test
    void slowNovaTimesOutThroughOpenstack4jToo() {
        java.util.Properties properties = openstack.settings();
        properties.setProperty("nova.timeout-seconds", "1");
        nova.close();
        nova = client(properties);
        openstack.hang("GET", "/os-hypervisors/detail");

        assertThrows(NovaUnavailableException.class, () -> nova.hypervisors());
    }

    @Test
    void adminServerViewHasHostTaskStateAndEmbeddedExtraSpecs() {
        openstack.on("GET", "/servers/" + SERVER, 200, fixture("server-get-admin-v2.93.json"));

        NovaServer server = nova.server(SERVER);

        assertEquals(SERVER, server.id());
        assertEquals("MIGRATING", server.status());
        assertEquals(Optional.of("migrating"), server.taskState());
        assertEquals(Optional.of("vtpcm-n1"), server.host());
        assertEquals(Optional.of("instance-00000001"), server.instanceName());
        assertEquals(Map.of("vtpcm:enabled", "true", "vtpcm:policy", "deny"), server.flavorExtraSpecs());
        assertEquals(Optional.empty(), server.flavorId());
    }

    @Test
    void nonAdminServerViewHasNoHost() {
        openstack.on("GET", "/servers/0e44cc9c-e052-415d-afbf-469b0d384170", 200, fixture("server-get-v2.90.json"));

        NovaServer server = nova.server("0e44cc9c-e052-415d-afbf-469b0d384170");

        assertEquals("ACTIVE", server.status());
        assertEquals(Optional.empty(), server.host());
        assertEquals(Optional.empty(), server.taskState());
        assertEquals(Map.of(), server.flavorExtraSpecs());
    }

    @Test
    void serverBelow247GetsExtraSpecsFromItsFlavor() {
        openstack.versionDocument(fixture("nova-version-v21.json").replace("\"2.93\"", "\"2.40\""));
        openstack.on("GET", "/servers/" + SERVER, 200, "{\"server\": {\"id\": \"" + SERVER + "\", \"name\": \"g\", \"status\": \"ACTIVE\", "
                + "\"flavor\": {\"id\": \"1\", \"links\": []}}}");
        openstack.on("GET", "/flavors/1/os-extra_specs", 200, fixture("flavor-extra-specs-list.json"));

        NovaServer server = nova.server(SERVER);

        assertEquals(Map.of("hw:cpu_policy", "shared", "hw:numa_nodes", "1"), server.flavorExtraSpecs());
        assertEquals(Optional.of("1"), server.flavorId());
    }

    @Test
    void serversByNameUseAnAnchoredEscapedFilter() throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode list = JSON.createObjectNode();
        list.putArray("servers").add(JSON.readTree(fixture("server-get-admin-v2.93.json")).get("server"));
        openstack.on("GET", "/servers/detail?all_tenants=1&name=%5Evtpcm%5C.guest-1%24", 200, "{\"servers\": []}");
        openstack.on("GET", "/servers/detail?all_tenants=1&name=%5Evtpcm-guest-1%24", 200, list.toString());

        List<NovaServer> servers = nova.serversByName("vtpcm-guest-1");

        assertEquals(1, servers.size());
        assertEquals(SERVER, servers.get(0).id());
        assertEquals(List.of(), nova.serversByName("vtpcm.guest-1"));
    }

    @Test
    void hypervisorsThroughOpenstack4jAtVersion21() {
        openstack.on("GET", "/os-hypervisors/detail", 200, fixture("hypervisors-detail-v2.1.json"));

        List<Hypervisor> hypervisors = nova.hypervisors();

        assertEquals(List.of(new Hypervisor("1", "fake-mini", "e6a37ee802d74863ab8b91ade8f12a67", true, true, 0, 8192, 512, 7680, 2, 0)),
                hypervisors);
        FakeOpenStack.Recorded request = openstack.requests("GET", "/compute/v2.1/os-hypervisors/detail").get(0);
        assertEquals("compute 2.1", request.header("OpenStack-API-Version"));
        assertEquals("gAAAAAB-token-1", request.header("X-Auth-Token"));
    }

    @Test
    void openstack4jCallsRenewARejectedTokenOnce() {
        openstack.on("GET", "/os-hypervisors/detail", 200, fixture("hypervisors-detail-v2.1.json"));
        nova.hypervisors();
        openstack.revokeTokens();

        assertEquals(1, nova.hypervisors().size());

        assertEquals(2, openstack.tokensIssued());
    }

    @Test
    void flavorWithExtraSpecs() {
        openstack.on("GET", "/flavors/1", 200, fixture("flavor-get-v2.1.json"));
        openstack.on("GET", "/flavors/1/os-extra_specs", 200, fixture("flavor-extra-specs-list.json"));

        NovaFlavor flavor = nova.flavor("1");

        assertEquals(new NovaFlavor("1", "m1.tiny", 1, 512, 1, Map.of("hw:cpu_policy", "shared", "hw:numa_nodes", "1")), flavor);
    }

    @Test
    void missingFlavorIsNotFound() {
        openstack.on("GET", "/flavors/42", 404, "{\"itemNotFound\": {\"code\": 404, \"message\": \"Flavor 42 could not be found.\"}}");

        NovaNotFoundException error = assertThrows(NovaNotFoundException.class, () -> nova.flavor("42"));

        assertEquals("Flavor 42 could not be found.", error.novaMessage());
    }

    @Test
    void openstack4jClientErrorsCarryNovasMessage() {
        openstack.on("GET", "/os-hypervisors/detail", 403,
                "{\"forbidden\": {\"code\": 403, \"message\": \"Policy doesn't allow os_compute_api:os-hypervisors:list-detail to be performed.\"}}");

        NovaApiException error = assertThrows(NovaApiException.class, () -> nova.hypervisors());

        assertEquals(403, error.status());
        assertTrue(error.novaMessage().contains("os-hypervisors:list-detail"), error.novaMessage());
    }

    @Test
    void instanceActionsComeWithTheirEvents() {
        openstack.on("GET", "/servers/" + SERVER + "/os-instance-actions", 200, fixture("instance-actions-list.json"));
        openstack.on("GET", "/servers/" + SERVER + "/os-instance-actions/req-f04d4b92-6241-42da-b82d-2cedb225c58d", 200,
                fixture("instance-action-get.json"));
        openstack.on("GET", "/servers/" + SERVER + "/os-instance-actions/req-d8790618-9bbf-4df0-8af8-fc9e24de29c0", 200,
                "{\"instanceAction\": {\"action\": \"live-migration\", \"instance_uuid\": \"" + SERVER + "\", \"message\": \"Error\", "
                        + "\"request_id\": \"req-d8790618-9bbf-4df0-8af8-fc9e24de29c0\", \"start_time\": \"2024-01-01T00:00:00.000000\", "
                        + "\"events\": [{\"event\": \"compute_live_migration\", \"result\": \"Error\", \"host\": \"vtpcm-n1\", "
                        + "\"traceback\": \"Traceback ...\\nMigrationError: UNTRUSTED\", \"start_time\": \"2024-01-01T00:00:01.000000\", "
                        + "\"finish_time\": null}]}}");

        List<InstanceAction> actions = nova.instanceActions(SERVER);

        assertEquals(2, actions.size());
        InstanceAction stop = actions.get(0);
        assertEquals("stop", stop.action());
        assertEquals(1, stop.events().size());
        assertEquals("compute_stop_instance", stop.events().get(0).event());
        assertEquals(Optional.of("Success"), stop.events().get(0).result());
        assertFalse(stop.failed());
        InstanceAction migration = actions.get(1);
        assertTrue(migration.failed());
        assertEquals(Optional.of("Error"), migration.message());
        assertTrue(migration.events().get(0).traceback().orElseThrow().contains("UNTRUSTED"));
        assertEquals(Optional.empty(), migration.events().get(0).finishTime());
    }

    @Test
    void idsAreNotSplicedIntoPaths() {
        assertThrows(IllegalArgumentException.class, () -> nova.server("../os-hypervisors"));
        assertTrue(openstack.requests().isEmpty());
    }
}
