package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.vtpcm.nodeapi.ManagerClient;
import org.vtpcm.nodeapi.ManagerClientException;
import org.vtpcm.manager.libvirt.CompletedJob;
import org.vtpcm.manager.libvirt.LibvirtException;
import org.vtpcm.manager.libvirt.MigrationOptions;

/**
 * One live migration of a VM with its vTPCM through the two nodes' managers, phase by phase, the
 * way the migration engine drives it: prepare the destination (naming the source node and its
 * bundle signing key), freeze at the source, which exports its state and pushes it to the
 * destination manager itself (send), migrate the VM with libvirt, compare the state digests both
 * interposers saw, commit both sides. (The engine adds attestation, the journal and recovery.)
 */
public final class ManagedHop {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ManagedHop() {
    }

    /**
     * What one hop did.
     *
     * @param phaseMillis wall time of each phase, in order
     * @param totalMillis from the first call to the second commit
     * @param qemuDowntimeMillis QEMU's downtime figure
     * @param digestLeft SM3 of the TPM state blobs QEMU fetched at the source
     * @param digestArrived SM3 of those it loaded at the destination
     * @param epoch the vTPCM's epoch after the hop
     */
    public record Result(Map<String, Long> phaseMillis, long totalMillis, long qemuDowntimeMillis, String digestLeft,
            String digestArrived, long epoch) {
        public boolean stateContinuous() {
            return !digestLeft.isEmpty() && digestLeft.equals(digestArrived);
        }
    }

    public static Result run(LabHosts hosts, LabNode sourceNode, ManagerClient source, LabNode destinationNode,
            ManagerClient destination, String vmName, UUID vm) throws InterruptedException {
        return run(hosts, sourceNode, source, destinationNode, destination, vmName, vm, MigrationOptions.defaults());
    }

    /**
     * One hop with these libvirt migration options (e.g. TLS). When the state push or libvirt's
     * migration fails, both sides are aborted (the vTPCM stays RUNNING at the source, the destination's is erased) and the
     * failure is rethrown.
     */
    public static Result run(LabHosts hosts, LabNode sourceNode, ManagerClient source, LabNode destinationNode,
            ManagerClient destination, String vmName, UUID vm, MigrationOptions options) throws InterruptedException {
        requireNonNull(hosts, "hosts is null");
        requireNonNull(options, "options is null");
        Map<String, Long> phases = new LinkedHashMap<>();
        long start = System.nanoTime();
        long mark = start;
        JsonNode row = source.vtpcm(vm).path("vtpcm");
        UUID migration = UUID.randomUUID();
        byte[] nonce = new byte[32];
        new SecureRandom().nextBytes(nonce);
        String hexNonce = HexFormat.of().formatHex(nonce);
        String base = "/v1/migrations/" + migration;
        // the destination learns who sends the state and with which key; the source then pushes it itself
        JsonNode prepared = destination.send("POST", base + "/prepare-incoming", JSON.createObjectNode()
                .put("vtpcmId", row.path("vtpcmId").asText()).put("vmUuid", vm.toString()).put("vmName", vmName)
                .put("epoch", row.path("epoch").asLong() + 1).put("policy", row.path("policy").asText()).put("nonce", hexNonce)
                .put("sourceNode", sourceNode.name()).put("sourceSigningKey", source.node().path("bundleSigningKey").asText()).toString());
        mark = phase(phases, "DEST_PREPARED", mark);
        source.send("POST", base + "/freeze", vmBody(vm));
        try {
            source.sendBundle(migration, vm, destinationNode.name(), URI.create("https://" + destinationNode.ip() + ":"
                    + LabManager.API_PORT), hexNonce, prepared.path("ephemeralPublicKey").asText(), 1);
        } catch (ManagerClientException e) {
            abortBoth(source, destination, base, vm, e);
            throw e;
        }
        mark = phase(phases, "TPCM_STATE_SENT", mark);
        try {
            hosts.host(sourceNode).migrateLive(vmName, destinationNode.libvirtUri(), options);
        } catch (LibvirtException e) {
            abortBoth(source, destination, base, vm, e);
            throw e;
        }
        mark = phase(phases, "VM_MIGRATING", mark);
        String left = awaitDigest(source, base, vm, "fetchedDigest");
        String arrived = awaitDigest(destination, base, vm, "loadedDigest");
        mark = phase(phases, "VERIFIED", mark);
        if (left.isEmpty() || !left.equals(arrived)) {
            throw new LabNotReadyException("migration " + migration + ": the state that arrived (" + arrived
                    + ") differs from the state that left (" + left + "); not committed");
        }
        JsonNode committed = destination.send("POST", base + "/commit", vmBody(vm));
        source.send("POST", base + "/commit", vmBody(vm));
        phase(phases, "COMMITTED", mark);
        CompletedJob job = hosts.host(destinationNode).completedJob(vmName).orElse(new CompletedJob(-1, -1, -1));
        return new Result(phases, (System.nanoTime() - start) / 1_000_000, job.downtimeMillis(), left, arrived,
                committed.path("epoch").asLong());
    }

    /** Rolls both sides back: the vTPCM returns to RUNNING at the source, the destination's is erased. */
    private static void abortBoth(ManagerClient source, ManagerClient destination, String base, UUID vm, RuntimeException failure) {
        for (ManagerClient side : new ManagerClient[] {destination, source}) {
            try {
                side.send("POST", base + "/abort", vmBody(vm));
            } catch (RuntimeException abortFailure) {
                failure.addSuppressed(abortFailure);
            }
        }
    }

    private static long phase(Map<String, Long> phases, String name, long since) {
        long now = System.nanoTime();
        phases.put(name, (now - since) / 1_000_000);
        return now;
    }

    private static String vmBody(UUID vm) {
        return JSON.createObjectNode().put("vmUuid", vm.toString()).toString();
    }

    /** The interposer writes its report a few milliseconds after QEMU's last control command. */
    private static String awaitDigest(ManagerClient client, String base, UUID vm, String field) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            JsonNode evidence = client.send("POST", base + "/verify", vmBody(vm));
            String types = evidence.path(field.startsWith("fetched") ? "fetchedTypes" : "loadedTypes").asText();
            if (types.startsWith("PERMANENT,VOLATILE") && evidence.path("inSync").asBoolean()) {
                return evidence.path(field).asText();
            }
            if (System.nanoTime() > deadline) {
                return "";
            }
            Thread.sleep(20);
        }
    }
}
