package org.vtpcm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.vtpcm.engine.client.EngineClient;
import org.vtpcm.lab.ContinuityChecker;
import org.vtpcm.lab.EngineMigration;
import org.vtpcm.lab.LabCloud;
import org.vtpcm.lab.LabConfig;
import org.vtpcm.lab.LabManager;
import org.vtpcm.nodeapi.ManagerClient;
import org.vtpcm.nodeapi.ManagerClientException;

/**
 * Faults at protocol steps, end to end: a destination that fails attestation receives nothing; a
 * destination manager killed before the commit rolls the migration back with the VM and its vTPCM
 * still at the source; an engine killed during VM_MIGRATING finishes the migration from its journal
 * on restart, with exactly one running VM and the association lists agreeing. The VM migrations
 * are slowed (bandwidth cap) so the faults land inside VM_MIGRATING.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EngineFaultsLabIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Slow enough that faults land inside VM_MIGRATING (this guest dirties memory fast: about 15 s at this cap). */
    private static final long SLOW_MIBS = 12;
    private static LabCloud cloud;
    private static LabCloud.Guest guest;
    private static String secondNode;

    @BeforeAll
    static void start() throws Exception {
        // a lost destination manager is acted on after 1 s (default 3 s), well inside the slowed VM migration
        cloud = LabCloud.start(LabConfig.load(LabConfig.defaultLabDirectory()), "migrations.destination-loss-seconds = 1");
        secondNode = cloud.lab().node(2).name();
        guest = cloud.bootGuest(1, "fault-guest", 128);
    }

    @AfterAll
    static void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    @Order(1)
    void aDestinationThatFailsAttestationReceivesNothing() throws Exception {
        LabManager n2 = cloud.manager(2);
        n2.stop();
        n2.configure("sm", "# an unapproved configuration change: measured into PCR 12");
        n2.start();
        try {
            JsonNode migration = migrate(JSON.createObjectNode().put("vm", guest.name()).put("to", secondNode));
            assertEquals("ROLLED_BACK", migration.path("outcome").asText(), migration.toPrettyString());
            // refused at selection (the periodic attestation saw it first) or at the migration's own quote: nothing moved
            assertTrue(List.of("TARGET_SELECTED", "DEST_ATTESTED").contains(lastBegun(migration)), migration.toPrettyString());
            assertTrue(migration.path("reason").asText().contains("quote failed"), migration.path("reason").asText());
            assertSourceKeepsIt(1);
            assertEquals(404, assertThrows(ManagerClientException.class, () -> n2.client().vtpcm(guest.uuid())).status(),
                    "nothing was prepared on the untrusted destination");
            assertEquals("UNTRUSTED", cloud.engineClient().hosts().path("hosts").get(1).path("attestation").path("state").asText());
        } finally {
            n2.stop();
            n2.configure("sm");
            n2.start();
            cloud.engineClient().attest(secondNode);
        }
    }

    @Test
    @Order(2)
    void aDestinationManagerKilledBeforeTheCommitRollsTheMigrationBack() throws Exception {
        EngineClient engine = cloud.engineClient();
        LabManager n2 = cloud.manager(2);
        JsonNode started = EngineMigration.start(engine, JSON.createObjectNode().put("vm", guest.name()).put("to", secondNode)
                .put("bandwidthMiBs", SLOW_MIBS));
        String id = started.path("id").asText();
        awaitVmMigrationRunning(id);
        n2.killHard();
        JsonNode migration = EngineMigration.await(engine, id, Duration.ofMinutes(3));
        assertEquals("ROLLED_BACK", migration.path("outcome").asText(), migration.toPrettyString());
        assertTrue(migration.path("reason").asText().contains("unreachable"), migration.path("reason").asText());
        assertFalse(migration.path("switchedOver").asBoolean());
        assertSourceKeepsIt(1);
        n2.start();
        awaitCleanup(engine, id);
        assertEquals(404, assertThrows(ManagerClientException.class, () -> n2.client().vtpcm(guest.uuid())).status(),
                "the incoming vTPCM was destroyed on the destination once it came back");
    }

    @Test
    @Order(3)
    void anEngineKilledDuringTheVmMigrationFinishesItFromItsJournal() throws Exception {
        JsonNode started = EngineMigration.start(cloud.engineClient(), JSON.createObjectNode().put("vm", guest.name()).put("to", secondNode)
                .put("bandwidthMiBs", SLOW_MIBS));
        String id = started.path("id").asText();
        awaitVmMigrationRunning(id);
        cloud.engine().killHard();
        ManagerClient n2 = cloud.manager(2).client();
        ManagerClient n1 = cloud.manager(1).engineClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        String vmMigration = "/v1/migrations/" + id + "/migrate-vm?vmUuid=" + guest.uuid();
        while (!"COMPLETED".equals(n1.send("GET", vmMigration, null).path("status").asText())) {
            assertTrue(System.nanoTime() < deadline, "the VM migration did not finish while the engine was down");
            Thread.sleep(200);
        }
        assertEquals("PAUSED", n2.send("GET", "/v1/vms/" + guest.uuid() + "/domain", null).path("state").asText(),
                "verify-before-resume: the VM waits paused at the destination for the engine");
        cloud.engine().start();
        JsonNode migration = EngineMigration.await(cloud.engineClient(), id, Duration.ofMinutes(3));
        assertEquals("COMMITTED", migration.path("outcome").asText(), migration.toPrettyString());
        assertEquals(migration.path("digestLeft").asText(), migration.path("digestArrived").asText());
        JsonNode atDestination = n2.vtpcm(guest.uuid()).path("vtpcm");
        assertEquals("RUNNING", atDestination.path("state").asText());
        assertEquals(migration.path("epoch").asLong(), atDestination.path("epoch").asLong());
        assertEquals(404, assertThrows(ManagerClientException.class, () -> cloud.manager(1).client().vtpcm(guest.uuid())).status(),
                "no live vTPCM is left at the source");
        assertFalse(cloud.manager(1).client().send("GET", "/v1/vms/" + guest.uuid() + "/domain", null).path("state").asText()
                .equals("RUNNING"), "the source no longer runs the VM");
        assertEquals("RUNNING", n2.send("GET", "/v1/vms/" + guest.uuid() + "/domain", null).path("state").asText());
        guest.console().awaitStepAfter(guest.console().lastSeq(), Duration.ofSeconds(60));
        assertTrue(ContinuityChecker.check(guest.console().steps()).continuous(), ContinuityChecker.check(guest.console().steps())
                .summary());
    }

    /**
     * Waits until the VM migration is well under way: the engine's record shows the byte progress the
     * source's libvirtd reports (which the CLI's progress bar draws) with at least 16 MiB sent.
     */
    private static void awaitVmMigrationRunning(String id) throws Exception {
        EngineMigration.awaitPhase(cloud.engineClient(), id, "VM_MIGRATING", Duration.ofMinutes(2));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            JsonNode progress = cloud.engineClient().migration(id).path("progress");
            if (progress.path("dataProcessed").asLong() >= 16L << 20) {
                assertTrue(progress.path("dataTotal").asLong() >= progress.path("dataProcessed").asLong(), progress.toString());
                assertTrue(progress.path("bytesPerSecond").asLong() > 0, progress.toString());
                return;
            }
            assertTrue(System.nanoTime() < deadline, "no byte progress of the VM migration within 60 s: " + progress);
            Thread.sleep(50);
        }
    }

    private static JsonNode migrate(com.fasterxml.jackson.databind.node.ObjectNode body) throws Exception {
        JsonNode started = EngineMigration.start(cloud.engineClient(), body);
        return EngineMigration.await(cloud.engineClient(), started.path("id").asText(), Duration.ofMinutes(3));
    }

    private static String lastBegun(JsonNode migration) {
        String last = "";
        for (JsonNode phase : migration.path("phases")) {
            if (!phase.path("phase").asText().equals("ROLLED_BACK")) {
                last = phase.path("phase").asText();
            }
        }
        return last;
    }

    /** The VM runs at the node with its vTPCM RUNNING there, and its TPM check goes on. */
    private static void assertSourceKeepsIt(int node) throws Exception {
        ManagerClient source = cloud.manager(node).client();
        assertEquals("RUNNING", source.vtpcm(guest.uuid()).path("vtpcm").path("state").asText());
        assertEquals("RUNNING", source.send("GET", "/v1/vms/" + guest.uuid() + "/domain", null).path("state").asText());
        guest.console().awaitStepAfter(guest.console().lastSeq(), Duration.ofSeconds(60));
        assertTrue(ContinuityChecker.check(guest.console().steps()).continuous(), ContinuityChecker.check(guest.console().steps())
                .summary());
    }

    private static void awaitCleanup(EngineClient engine, String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (engine.migration(id).path("cleanupPending").asBoolean()) {
            assertTrue(System.nanoTime() < deadline, "the destination was not cleaned up within 60 s of its manager's return");
            Thread.sleep(500);
        }
    }
}
