package org.vtpcm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vtpcm.engine.client.EngineClient;
import org.vtpcm.engine.client.EngineClientException;
import org.vtpcm.lab.ContinuityChecker;
import org.vtpcm.lab.GuestConsole;
import org.vtpcm.lab.GuestDomainXml;
import org.vtpcm.lab.LabCloud;
import org.vtpcm.lab.LabConfig;
import org.vtpcm.lab.LabHosts;
import org.vtpcm.lab.LabLeftovers;
import org.vtpcm.lab.LabNode;
import org.vtpcm.nodeapi.ManagerClient;
import org.vtpcm.nodeapi.ManagerClientException;
import org.vtpcm.manager.libvirt.LibvirtJavaConnector;
import org.vtpcm.manager.libvirt.MigrationOptions;

/**
 * The engine's Nova hooks in the lab, called exactly as Nova's compute driver calls them and with
 * the compute services' own certificates: the guest's domain is defined and started by "Nova"
 * (here: libvirt directly) with the TPM device the manager gave it; the live migration is run by
 * libvirt while the hooks run the protocol's phases around it. One migration commits (digests
 * equal, receipt), the next is rolled back by Nova's rollback hook; the guest's TPM check is
 * continuous throughout and a compute service cannot reach beyond its own node.
 */
class NovaHooksLabIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LabCloud cloud;
    private static LabHosts hosts;

    @BeforeAll
    static void start() throws Exception {
        LabConfig lab = LabConfig.load(LabConfig.defaultLabDirectory());
        cloud = LabCloud.start(lab);
        hosts = new LabHosts(lab, new LibvirtJavaConnector());
    }

    @AfterAll
    static void stop() {
        if (hosts != null) {
            hosts.close();
        }
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void novasLiveMigrationRunsTheProtocolThroughTheHooks() throws Exception {
        LabConfig lab = cloud.lab();
        LabNode n1 = lab.node(1);
        LabNode n2 = lab.node(2);
        ManagerClient novaAtManager1 = new ManagerClient(cloud.manager(1).baseUri(), cloud.computeServiceTls(1));
        EngineClient novaAt1 = new EngineClient(cloud.engine().baseUri(), cloud.computeServiceTls(1));
        EngineClient novaAt2 = new EngineClient(cloud.engine().baseUri(), cloud.computeServiceTls(2));
        String name = LabLeftovers.uniqueName("nova-hooks");
        UUID vm = UUID.randomUUID();
        Path consoleFile = lab.consoleDirectory().resolve(name + ".log");
        Files.deleteIfExists(consoleFile);
        try {
            // spawn: the manager gives the VM its vTPCM and the TPM device; "Nova" defines and starts the domain
            String xml = new GuestDomainXml(name, vm, 128, lab.guestKernel(), lab.guestInitrd(), consoleFile,
                    Path.of("/replaced/by/the/manager")).toXml();
            JsonNode attached = novaAtManager1.send("POST", "/v1/vms/" + vm + "/vtpcm", JSON.createObjectNode().put("domainXml", xml)
                    .put("policy", "deny").toString());
            assertEquals("RUNNING", attached.path("state").asText(), attached.toString());
            assertEquals("allow", attached.path("decision").asText(), attached.toString());
            ManagerClientException notItsJob = assertThrows(ManagerClientException.class, () -> novaAtManager1.send("POST",
                    "/v1/migrations/" + UUID.randomUUID() + "/freeze", JSON.createObjectNode().put("vmUuid", vm.toString()).toString()));
            assertEquals(403, notItsJob.status(), "a compute service cannot drive the migration hooks of a manager");
            hosts.host(n1).define(attached.path("domainXml").asText());
            hosts.host(n1).start(name);
            GuestConsole guest = new GuestConsole(consoleFile);
            guest.awaitStepAfter(1, Duration.ofSeconds(90));

            // Nova's live migration 1 -> 2, committed
            JsonNode begun = novaAt2.send("POST", "/v1/nova/live-migrations", JSON.createObjectNode().put("instanceUuid", vm.toString())
                    .put("source", n1.name()).put("destination", n2.name()).put("nativeTls", true));
            assertEquals("DEST_ATTESTED", begun.path("migration").path("phase").asText(), begun.toString());
            assertEquals("DEST_PREPARED", novaAt2.send("POST", hook(vm, "prepare"), JSON.createObjectNode())
                    .path("migration").path("phase").asText());
            assertEquals("VM_MIGRATING", novaAt1.send("POST", hook(vm, "send"), JSON.createObjectNode())
                    .path("migration").path("phase").asText());
            long before = guest.lastSeq();
            // as Nova does with live_migration_with_native_tls: QEMU's stream carries the TPM state blobs, so it must be TLS
            hosts.host(n1).migrateLive(name, n2.libvirtUri(), new MigrationOptions(1, false, true, false, 0));
            JsonNode committed = novaAt2.send("POST", hook(vm, "commit"), JSON.createObjectNode());
            JsonNode migration = committed.path("migration");
            assertEquals("COMMITTED", migration.path("phase").asText(), committed.toString());
            assertFalse(migration.path("digestLeft").asText().isEmpty());
            assertEquals(migration.path("digestLeft").asText(), migration.path("digestArrived").asText(), "state arrived unchanged");
            assertFalse(committed.path("receipt").isMissingNode(), "a committed migration has its signed receipt: " + committed);
            assertEquals(committed.toString(), novaAt2.send("POST", hook(vm, "commit"), JSON.createObjectNode()).toString(),
                    "a repeated commit answers the same record");
            assertEquals(n2.name(), cloud.hostOf(vm));
            guest.awaitStepAfter(before + 2, Duration.ofSeconds(60));
            assertTrue(ContinuityChecker.check(guest.steps()).continuous(), ContinuityChecker.check(guest.steps()).summary());

            // node 1's compute service is not part of a migration 2 -> ... that it does not take part in: it is refused
            EngineClientException foreign = assertThrows(EngineClientException.class, () -> novaAt1.send("POST",
                    "/v1/nova/live-migrations", JSON.createObjectNode().put("instanceUuid", vm.toString()).put("source", n2.name())
                            .put("destination", "vtpcm-n9")));
            assertEquals(403, foreign.status(), foreign.getMessage());

            // Nova's live migration 2 -> 1 fails after the state was sent: Nova's rollback hook rolls the protocol back
            novaAt1.send("POST", "/v1/nova/live-migrations", JSON.createObjectNode().put("instanceUuid", vm.toString())
                    .put("source", n2.name()).put("destination", n1.name()).put("nativeTls", true));
            novaAt1.send("POST", hook(vm, "prepare"), JSON.createObjectNode());
            EngineClient novaAt2Again = novaAt2;
            novaAt2Again.send("POST", hook(vm, "send"), JSON.createObjectNode());
            JsonNode rolledBack = novaAt1.send("POST", hook(vm, "abort"), JSON.createObjectNode().put("reason",
                    "libvirt: migration failed (simulated by the test)"));
            assertEquals("ROLLED_BACK", rolledBack.path("migration").path("phase").asText(), rolledBack.toString());
            assertTrue(rolledBack.path("migration").path("reason").asText().contains("Nova rolled the live migration back"),
                    rolledBack.toString());
            assertEquals(n2.name(), cloud.hostOf(vm));
            assertEquals("RUNNING", cloud.manager(2).client().vtpcm(vm).path("vtpcm").path("state").asText());
            assertThrows(ManagerClientException.class, () -> cloud.manager(1).client().vtpcm(vm), "nothing left at node 1");
            guest.awaitStepAfter(guest.lastSeq() + 2, Duration.ofSeconds(60));
            assertTrue(ContinuityChecker.check(guest.steps()).continuous(), ContinuityChecker.check(guest.steps()).summary());
        } finally {
            LabLeftovers.remove(lab, hosts, name, vm, List.of(cloud.manager(1).client(), cloud.manager(2).client()));
        }
    }

    private static String hook(UUID vm, String name) {
        return "/v1/nova/instances/" + vm + "/" + name;
    }
}
