package org.vtpcm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vtpcm.lab.ContinuityChecker;
import org.vtpcm.lab.GuestConsole;
import org.vtpcm.lab.GuestDomainXml;
import org.vtpcm.lab.LabCa;
import org.vtpcm.lab.LabConfig;
import org.vtpcm.lab.LabHosts;
import org.vtpcm.lab.LabLeftovers;
import org.vtpcm.lab.LabManager;
import org.vtpcm.nodeapi.ManagerClient;
import org.vtpcm.nodeapi.ManagerClientException;
import org.vtpcm.manager.libvirt.LibvirtJavaConnector;
import org.vtpcm.manager.libvirt.MigrationOptions;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.crypto.SuiteName;
import org.vtpcm.protocol.tls.MutualTls;

/**
 * The managers' migration hooks end to end around a real libvirt live migration, driven the way the
 * migration engine will drive them: prepare the destination, freeze and export at the source,
 * stage at the destination (a replayed bundle is refused), migrate the VM, compare the state
 * digests the two interposers saw, commit both sides (a replay of the committed transfer is
 * refused); then back with the source manager pushing its state to the destination itself.
 */
class MigrationHooksLabIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LabConfig lab;
    private static LabManager source;
    private static LabManager destination;
    private static LabHosts hosts;

    @BeforeAll
    static void startManagers() {
        lab = LabConfig.load(LabConfig.defaultLabDirectory());
        LabCa ca = LabCa.of(lab);
        hosts = new LabHosts(lab, new LibvirtJavaConnector());
        source = new LabManager(lab, lab.node(1), ca);
        destination = new LabManager(lab, lab.node(2), ca);
        source.configure("sm");
        destination.configure("sm");
        source.enroll();
        destination.enroll();
        source.start();
        destination.start();
    }

    @AfterAll
    static void stopManagers() {
        if (source != null) {
            source.stop();
        }
        if (destination != null) {
            destination.stop();
        }
        if (hosts != null) {
            hosts.close();
        }
    }

    @Test
    void theHooksMoveTheVtpcmWithTheVmAndProveTheStateArrivedUnchanged() throws Exception {
        ManagerClient from = source.client();
        ManagerClient to = destination.client();
        // the test plays the engine for the hooks: only the engine's role may call them
        ManagerClient fromHooks = source.engineClient();
        ManagerClient toHooks = destination.engineClient();
        CryptoSuite sm = CryptoSuites.of(SuiteName.SM);
        for (ManagerClient client : new ManagerClient[] {from, to}) {
            client.registerReferenceValue("kernel", digest(sm, lab.guestKernel()), "lab guest kernel");
            client.registerReferenceValue("initrd", digest(sm, lab.guestInitrd()), "lab guest initramfs");
        }
        String name = LabLeftovers.uniqueName("hooks-vm");
        UUID vm = UUID.randomUUID();
        try {
            moveThereAndBack(from, to, fromHooks, toHooks, sm, name, vm);
        } finally {
            LabLeftovers.remove(lab, hosts, name, vm, List.of(from, to));
        }
    }

    private void moveThereAndBack(ManagerClient from, ManagerClient to, ManagerClient fromHooks, ManagerClient toHooks, CryptoSuite sm,
            String name, UUID vm) throws Exception {
        Path console = lab.consoleDirectory().resolve(name + ".log");
        Files.deleteIfExists(console);
        JsonNode created = from.createVm(new GuestDomainXml(name, vm, 128, lab.guestKernel(), lab.guestInitrd(), console,
                Path.of("/x")).toXml(), "deny");
        String vtpcmId = created.path("vtpcmId").asText();
        from.startVm(vm);
        GuestConsole guest = new GuestConsole(console);
        guest.awaitStepAfter(2, Duration.ofSeconds(90));

        UUID migration = UUID.randomUUID();
        byte[] nonce = new byte[32];
        new SecureRandom().nextBytes(nonce);
        String hexNonce = HexFormat.of().formatHex(nonce);
        JsonNode prepared = toHooks.send("POST", "/v1/migrations/" + migration + "/prepare-incoming", JSON.createObjectNode()
                .put("vtpcmId", vtpcmId).put("vmUuid", vm.toString()).put("vmName", name).put("epoch", 1).put("policy", "deny")
                .put("nonce", hexNonce).toString());
        assertEquals("MIGRATING_IN", prepared.path("vtpcm").path("state").asText());

        assertEquals("FROZEN", fromHooks.send("POST", "/v1/migrations/" + migration + "/freeze",
                JSON.createObjectNode().put("vmUuid", vm.toString()).toString()).path("state").asText());
        JsonNode exported = fromHooks.send("POST", "/v1/migrations/" + migration + "/export", JSON.createObjectNode()
                .put("vmUuid", vm.toString()).put("destinationNode", lab.node(2).name()).put("nonce", hexNonce)
                .put("ephemeralPublicKey", prepared.path("ephemeralPublicKey").asText()).toString());
        assertEquals(1, exported.path("epoch").asLong());
        String sourceKey = from.node().path("bundleSigningKey").asText();

        // a bundle replayed into another migration is refused, and changes nothing
        UUID other = UUID.randomUUID();
        ManagerClientException replay = assertThrows(ManagerClientException.class, () -> toHooks.send("POST", "/v1/migrations/" + other
                + "/stage", JSON.createObjectNode().put("bundle", exported.path("bundle").asText()).put("sourceSigningKey", sourceKey)
                .toString()));
        assertEquals(404, replay.status(), replay.getMessage());
        // a bundle signed by someone else is refused
        String foreignKey = HexFormat.of().formatHex(sm.encodePublicKey(sm.generateSigningKeyPair().getPublic()));
        ManagerClientException forged = assertThrows(ManagerClientException.class, () -> toHooks.send("POST", "/v1/migrations/" + migration
                + "/stage", JSON.createObjectNode().put("bundle", exported.path("bundle").asText()).put("sourceSigningKey", foreignKey)
                .toString()));
        assertEquals("BUNDLE_REJECTED", forged.code(), forged.getMessage());

        JsonNode staged = toHooks.send("POST", "/v1/migrations/" + migration + "/stage", JSON.createObjectNode()
                .put("bundle", exported.path("bundle").asText()).put("sourceSigningKey", sourceKey).toString());
        assertEquals("STAGED", staged.path("state").asText());
        assertEquals(1, staged.path("epoch").asLong());
        int logSize = to.measurementLog(vm).path("entries").size();
        JsonNode retried = toHooks.send("POST", "/v1/migrations/" + migration + "/stage", JSON.createObjectNode()
                .put("bundle", exported.path("bundle").asText()).put("sourceSigningKey", sourceKey).toString());
        assertEquals("STAGED", retried.path("state").asText(), "a retried transfer of the same bundle is answered as staged");
        assertEquals(logSize, to.measurementLog(vm).path("entries").size(), "and nothing was staged twice");

        long before = guest.lastSeq();
        hosts.host(lab.node(1)).migrateLive(name, lab.node(2).libvirtUri(), MigrationOptions.defaults());
        JsonNode left = await(fromHooks, migration, vm, "fetchedTypes");
        JsonNode arrived = await(toHooks, migration, vm, "loadedTypes");
        assertTrue(left.path("inSync").asBoolean() && arrived.path("inSync").asBoolean(), left + " / " + arrived);
        assertFalse(left.path("fetchedDigest").asText().isEmpty());
        assertEquals(left.path("fetchedDigest").asText(), arrived.path("loadedDigest").asText(),
                "the TPM state that arrived equals the state that left");

        assertEquals("RUNNING", toHooks.send("POST", "/v1/migrations/" + migration + "/commit",
                JSON.createObjectNode().put("vmUuid", vm.toString()).toString()).path("state").asText());
        assertEquals("DESTROYED", fromHooks.send("POST", "/v1/migrations/" + migration + "/commit",
                JSON.createObjectNode().put("vmUuid", vm.toString()).toString()).path("state").asText());

        // the committed migration's bundle replayed by the source node itself, in chunks, is refused
        ManagerClient asSourceNode = new ManagerClient(destination.baseUri(),
                MutualTls.context(source.stateDirectory().resolve("tls"), "node"));
        byte[] sealed = java.util.Base64.getDecoder().decode(exported.path("bundle").asText());
        ManagerClientException replayedChunk = assertThrows(ManagerClientException.class,
                () -> asSourceNode.putBundleChunk(migration, 0, 1, sealed.length, sealed));
        assertEquals(404, replayedChunk.status(), replayedChunk.getMessage());
        String sealedDigest = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(sealed));
        ManagerClientException replayedStage = assertThrows(ManagerClientException.class,
                () -> asSourceNode.stageChunks(migration, 1, sealed.length, sealedDigest));
        assertEquals(404, replayedStage.status(), replayedStage.getMessage());

        guest.awaitStepAfter(before + 2, Duration.ofSeconds(60));
        assertTrue(ContinuityChecker.check(guest.steps()).continuous(), ContinuityChecker.check(guest.steps()).summary());
        JsonNode log = to.measurementLog(vm);
        assertTrue(log.path("valid").asBoolean(), "the measurement log moved with the vTPCM and still verifies: " + log);
        assertEquals("RUNNING", to.vtpcm(vm).path("vtpcm").path("state").asText());
        assertThrows(ManagerClientException.class, () -> from.vtpcm(vm), "no live vTPCM left at the source");
        assertTrue(hosts.host(lab.node(1)).state(name).isEmpty(), "the source no longer has the domain");

        // and back: the vTPCM returns to the node it left, at the next epoch
        org.vtpcm.lab.ManagedHop.Result back = org.vtpcm.lab.ManagedHop.run(hosts, lab.node(2), toHooks, lab.node(1), fromHooks, name, vm);
        assertTrue(back.stateContinuous(), back.toString());
        assertEquals(2, back.epoch());
        guest.awaitStepAfter(guest.lastSeq(), Duration.ofSeconds(60));
        assertTrue(ContinuityChecker.check(guest.steps()).continuous(), ContinuityChecker.check(guest.steps()).summary());
        assertTrue(from.measurementLog(vm).path("valid").asBoolean());

    }

    private static JsonNode await(ManagerClient client, UUID migration, UUID vm, String field) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonNode evidence;
        do {
            evidence = client.send("POST", "/v1/migrations/" + migration + "/verify", JSON.createObjectNode().put("vmUuid", vm.toString())
                    .toString());
            if (evidence.path(field).asText().startsWith("PERMANENT,VOLATILE")) {
                return evidence;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return evidence;
    }

    private static String digest(CryptoSuite suite, Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return HexFormat.of().formatHex(suite.digest(in));
        }
    }
}
