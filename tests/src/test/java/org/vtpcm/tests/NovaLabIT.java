package org.vtpcm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.vtpcm.engine.client.EngineClient;
import org.vtpcm.lab.ContinuityVerdict;
import org.vtpcm.lab.LabCloud;
import org.vtpcm.lab.LabConfig;
import org.vtpcm.lab.LabLeftovers;
import org.vtpcm.lab.LabManager;
import org.vtpcm.lab.LabNode;
import org.vtpcm.lab.NovaGuestConsole;
import org.vtpcm.lab.OpenStackLab;
import org.vtpcm.nodeapi.ManagerClientException;

/**
 * Real OpenStack (the lab's Zed profile, our compute driver in each node's nova-compute): a tenant
 * boots the TPM-checking guest with the {@code vtpcm} flavor and live-migrates it with
 * {@code openstack server migrate --live-migration} (with and without {@code --host}) and
 * {@code nova live-migration}; each runs the synchronized protocol (engine record COMMITTED with
 * equal digests and a receipt), Nova shows the server ACTIVE on its new host and its migration
 * completed, and the guest's TPM check is continuous. Then the operator's Nova mode, and a
 * destination whose attestation is broken: Nova's migration ends in error, the server stays ACTIVE
 * on its source with its vTPCM, and the reason is in the engine's record.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NovaLabIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CLI = Duration.ofSeconds(300);
    private static LabConfig lab;
    private static OpenStackLab openstack;
    private static LabCloud cloud;
    private static String server;
    private static NovaGuestConsole console;

    @BeforeAll
    static void start() throws Exception {
        lab = LabConfig.load(LabConfig.defaultLabDirectory());
        Optional<OpenStackLab> profile = OpenStackLab.ifUp(lab);
        Assumptions.assumeTrue(profile.isPresent(), "the OpenStack lab profile is not up (devstack/lab/vtpcm-lab openstack-up)");
        openstack = profile.get();
        cloud = openstack.startCloud();
        String name = LabLeftovers.uniqueName("nova-guest");
        long start = System.nanoTime();
        server = openstack.createServer(CLI, "vtpcm", name, lab.node(1));
        System.out.printf("nova-lab: server %s ACTIVE after %d ms%n", server, (System.nanoTime() - start) / 1_000_000);
        console = new NovaGuestConsole(openstack, lab.nodes(), server).sampling();
        console.awaitStepAfter(1, Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        if (console != null) {
            console.close();
        }
        try {
            if (server != null) {
                openstack.attempt(CLI, "openstack", "server", "delete", "--wait", server);
            }
        } finally {
            if (cloud != null) {
                cloud.close();
            }
        }
    }

    @Test
    @Order(1)
    void aTenantsLiveMigrationsRunTheProtocol() {
        LabNode n1 = lab.node(1);
        LabNode n2 = lab.node(2);
        assertEquals(n1.name(), host(openstack.server(server)));
        assertEquals(n1.name(), cloud.hostOf(UUID.fromString(server)), "the vTPCM was created with the instance");

        long start = System.nanoTime();
        openstack.run(CLI, "openstack", "--os-compute-api-version", "2.30", "server", "migrate", "--live-migration", "--host", n2.name(),
                "--wait", server);
        assertHop("openstack server migrate --live-migration --host", n1, n2, start);

        start = System.nanoTime();
        openstack.run(CLI, "nova", "live-migration", server);
        awaitHost(n1);
        assertHop("nova live-migration", n2, n1, start);

        start = System.nanoTime();
        openstack.run(CLI, "openstack", "--os-compute-api-version", "2.30", "server", "migrate", "--live-migration", "--wait", server);
        assertHop("openstack server migrate --live-migration", n1, n2, start);
    }

    @Test
    @Order(2)
    void theOperatorsNovaModeMigratesThroughNova() {
        EngineClient engine = cloud.engineClient();
        String from = host(openstack.server(server));
        long start = System.nanoTime();
        JsonNode asked = engine.novaMigrate(server, null);
        assertNotEquals(from, asked.path("destination").asText(), asked.toString());
        LabNode to = lab.nodes().stream().filter(node -> node.name().equals(asked.path("destination").asText())).findFirst().orElseThrow();
        awaitHost(to);
        assertHop("vtpcm migrate --nova", lab.nodes().stream().filter(node -> node.name().equals(from)).findFirst().orElseThrow(), to,
                start);
    }

    @Test
    @Order(3)
    void aDestinationThatFailsAttestationLeavesTheServerActiveOnItsSource() {
        String sourceName = host(openstack.server(server));
        LabNode source = lab.nodes().stream().filter(node -> node.name().equals(sourceName)).findFirst().orElseThrow();
        LabNode destination = lab.nodes().stream().filter(node -> !node.equals(source)).findFirst().orElseThrow();
        LabManager broken = cloud.manager(destination.number());
        broken.stop();
        broken.configure("sm", "# an unapproved configuration change: measured into PCR 12");
        broken.start();
        try {
            long errorsBefore = novaMigrationsWithStatus("error");
            OpenStackLab.Outcome outcome = openstack.attempt(CLI, "openstack", "--os-compute-api-version", "2.30", "server", "migrate",
                    "--live-migration", "--host", destination.name(), "--wait", server);
            System.out.printf("nova-lab: migration to the untrusted %s: exit %d; %s%n", destination.name(), outcome.exitCode(),
                    outcome.err().strip());
            awaitNovaMigrationsWithStatus("error", errorsBefore + 1);
            JsonNode shown = openstack.server(server);
            assertEquals("ACTIVE", shown.path("status").asText(), shown.toString());
            assertEquals(source.name(), host(shown), "the server stays on its source");
            assertEquals(source.name(), cloud.hostOf(UUID.fromString(server)), "its vTPCM stays on the source");
            assertEquals("RUNNING", cloud.manager(source.number()).client().vtpcm(UUID.fromString(server)).path("vtpcm").path("state")
                    .asText());
            assertEquals(404, assertThrows(ManagerClientException.class, () -> broken.client().vtpcm(UUID.fromString(server))).status(),
                    "nothing was prepared on the untrusted destination");
            JsonNode record = engineRecord();
            assertEquals("ROLLED_BACK", record.path("migration").path("outcome").asText(), record.toPrettyString());
            assertTrue(record.path("migration").path("reason").asText().contains("quote failed"), record.toPrettyString());
            long last = console.lastSeq();
            console.awaitStepAfter(last + 1, Duration.ofSeconds(60));
            ContinuityVerdict verdict = console.verdict();
            assertTrue(verdict.continuous(), verdict.summary() + "; guest kernel: " + console.kernelLines());
        } finally {
            broken.stop();
            broken.configure("sm");
            broken.start();
            cloud.engineClient().attest(destination.name());
        }
    }

    @Test
    @Order(4)
    void deletingTheServerDestroysItsVtpcm() {
        UUID vm = UUID.fromString(server);
        LabNode on = lab.nodes().stream().filter(node -> node.name().equals(cloud.hostOf(vm))).findFirst().orElseThrow();
        openstack.run(CLI, "openstack", "server", "delete", "--wait", server);
        server = null;
        assertEquals(404, assertThrows(ManagerClientException.class, () -> cloud.manager(on.number()).client().vtpcm(vm)).status(),
                "Nova's delete destroyed the vTPCM on " + on.name());
    }

    /** Nova shows the server ACTIVE on its new host and its migration completed; the engine committed it; the guest continued. */
    private void assertHop(String how, LabNode from, LabNode to, long startNanos) {
        JsonNode shown = openstack.server(server);
        assertEquals("ACTIVE", shown.path("status").asText(), how + ": " + shown);
        assertEquals(to.name(), host(shown), how);
        JsonNode record = engineRecord();
        JsonNode migration = record.path("migration");
        assertEquals("COMMITTED", migration.path("phase").asText(), how + ": " + record.toPrettyString());
        assertEquals(from.name(), migration.path("source").asText(), how);
        assertEquals(to.name(), migration.path("destination").asText(), how);
        assertFalse(migration.path("digestLeft").asText().isEmpty(), how);
        assertEquals(migration.path("digestLeft").asText(), migration.path("digestArrived").asText(), how + ": state arrived unchanged");
        assertFalse(record.path("receipt").isMissingNode(), how + ": signed receipt");
        JsonNode novaRecord = awaitNovaMigrationEnd();
        assertEquals("completed", novaRecord.path("status").asText(), how + ": " + novaRecord);
        assertEquals(to.name(), cloud.hostOf(UUID.fromString(server)), how + ": the vTPCM is at the destination");
        long last = console.lastSeq();
        console.awaitStepAfter(last + 1, Duration.ofSeconds(60));
        ContinuityVerdict verdict = console.verdict();
        assertTrue(verdict.continuous(), how + ": " + verdict.summary() + "; guest kernel: " + console.kernelLines());
        System.out.printf("nova-lab: %s %s -> %s: %d ms until Nova showed it done; engine total %s ms, downtime %s ms, phases %s%n", how,
                from.name(), to.name(), (System.nanoTime() - startNanos) / 1_000_000, migration.path("totalMs").asText(),
                migration.path("downtimeMs").asText(), migration.path("phases"));
    }

    private JsonNode engineRecord() {
        return cloud.engineClient().novaMigration(server);
    }

    private static String host(JsonNode shown) {
        return shown.path("OS-EXT-SRV-ATTR:host").asText();
    }

    private void awaitHost(LabNode node) {
        long deadline = System.nanoTime() + CLI.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode shown = openstack.server(server);
            if (node.name().equals(host(shown)) && "ACTIVE".equals(shown.path("status").asText())
                    && shown.path("OS-EXT-STS:task_state").isNull()) {
                return;
            }
            if ("ERROR".equals(shown.path("status").asText())) {
                throw new AssertionError("the server went to ERROR: " + shown);
            }
            sleep();
        }
        throw new AssertionError("the server did not arrive on " + node.name() + " within " + CLI.toSeconds() + " s");
    }

    private JsonNode awaitNovaMigrationEnd() {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        JsonNode newest = JSON.createObjectNode();
        while (System.nanoTime() < deadline) {
            JsonNode migrations = cloud.engineClient().novaMigrations(server).path("migrations");
            newest = migrations.size() > 0 ? migrations.get(0) : newest;
            if (java.util.Set.of("completed", "error", "failed", "cancelled").contains(newest.path("status").asText())) {
                return newest;
            }
            sleep();
        }
        return newest;
    }

    private long novaMigrationsWithStatus(String status) {
        long count = 0;
        for (JsonNode migration : cloud.engineClient().novaMigrations(server).path("migrations")) {
            count += status.equals(migration.path("status").asText()) ? 1 : 0;
        }
        return count;
    }

    private void awaitNovaMigrationsWithStatus(String status, long count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (novaMigrationsWithStatus(status) < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Nova recorded no migration in status " + status + ": "
                        + cloud.engineClient().novaMigrations(server));
            }
            sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }
}
