package org.vtpcm.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.vtpcm.engine.client.EngineClient;

/**
 * The main job: the whole vtpcm control plane in the lab (a manager per node, the engine on the
 * controller), a guest booted with its vTPCM on node 1 and migrated 1 -> 2 -> 1 ... through the
 * engine's synchronized protocol, printing per migration the phases, timings, downtime, digests,
 * receipt and the guest's own continuity verdict.
 */
final class EngineDemo {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EngineDemo() {
    }

    static int run(int hops, int memoryMiB) throws Exception {
        LabConfig lab = LabConfig.load(LabConfig.defaultLabDirectory());
        if (lab.nodes().size() < 2) {
            throw new LabNotReadyException("the demo needs at least 2 lab nodes, the lab has " + lab.nodes().size());
        }
        System.out.printf("vtpcm demo: guest vtpcm-demo (%d MiB, TCG) with its vTPCM (swtpm TPM 2.0 engine + TPCM layer, suite sm;"
                + " node root of trust: EMULATED TPM, no hardware TPM here), %d migration(s) through the migration engine%n",
                memoryMiB, hops);
        System.out.println("  definitions: phase = wall time of each protocol phase as the engine's journal recorded it; total ="
                + " request to commit; downtime = from the guest's stop at the source (libvirt's SUSPENDED event) to its resume at the"
                + " destination once the state digests matched (verify-before-resume); digests = SM3 of the TPM state blobs QEMU fetched at the source /"
                + " loaded at the destination, seen by each node's control-channel interposer");
        long setup = System.nanoTime();
        try (LabCloud cloud = LabCloud.start(lab)) {
            EngineClient engine = cloud.engineClient();
            System.out.printf("  control plane up in %d ms: managers on %s enrolled with the cloud CA; engine at %s; hosts trusted:%n",
                    (System.nanoTime() - setup) / 1_000_000, lab.nodes().stream().map(LabNode::name).toList(), cloud.engine().baseUri());
            for (JsonNode host : engine.hosts().path("hosts")) {
                System.out.printf("    %s  attestation %s  vTPCMs %d%n", host.path("name").asText(),
                        host.path("attestation").path("state").asText(), host.path("load").path("vtpcms").asInt());
            }
            long boot = System.nanoTime();
            LabCloud.Guest guest = cloud.bootGuest(1, "vtpcm-demo", memoryMiB);
            System.out.printf("  measured start on " + lab.node(1).name() + " (kernel and initramfs checked against reference values, SM3): first TPM check"
                    + " after %d ms%n", (System.nanoTime() - boot) / 1_000_000);
            List<JsonNode> results = new ArrayList<>();
            try (LabHosts monitorHosts = new LabHosts(lab, new org.vtpcm.manager.libvirt.LibvirtJavaConnector());
                    PlacementMonitor monitor = new PlacementMonitor(guest.name(), monitorHosts.all())) {
                for (int hop = 1; hop <= hops; hop++) {
                    String target = lab.node(hop % 2 == 1 ? 2 : 1).name();
                    JsonNode started = EngineMigration.start(engine, JSON.createObjectNode().put("vm", guest.name()).put("to", target));
                    JsonNode done = EngineMigration.await(engine, started.path("id").asText(), Duration.ofMinutes(5));
                    results.add(done);
                    print(hop, done, engine);
                    if (!"COMMITTED".equals(done.path("outcome").asText())) {
                        break;
                    }
                    guest.console().awaitStepAfter(guest.console().lastSeq(), Duration.ofSeconds(60));
                    System.out.println("         guest TPM check: " + (ContinuityChecker.check(guest.console().steps()).continuous()
                            ? "continuous" : "BROKEN"));
                }
                ContinuityVerdict verdict = ContinuityChecker.check(guest.console().steps());
                long[] totals = results.stream().mapToLong(r -> r.path("totalMs").asLong()).toArray();
                long[] downtimes = results.stream().mapToLong(r -> r.path("downtimeMs").asLong()).toArray();
                System.out.printf("  total: median %d ms; downtime: median %d ms (over %d migrations)%n", LabDemo.median(totals),
                        LabDemo.median(downtimes), results.size());
                System.out.println("  placement: " + (monitor.violations().isEmpty()
                        ? "the guest ran on exactly one node at all times (" + monitor.rounds() + " checks)"
                        : "VIOLATED: " + monitor.violations().get(0)));
                System.out.println("  TPM continuity (guest's own check): " + verdict.summary());
                boolean good = verdict.continuous() && monitor.violations().isEmpty()
                        && results.stream().allMatch(r -> "COMMITTED".equals(r.path("outcome").asText())
                                && r.path("digestLeft").asText().equals(r.path("digestArrived").asText()));
                System.out.println("vtpcm demo: " + (good ? "PASS" : "FAIL"));
                return good ? 0 : 1;
            }
        }
    }

    private static void print(int hop, JsonNode migration, EngineClient engine) {
        StringBuilder phases = new StringBuilder();
        for (JsonNode phase : migration.path("phases")) {
            phases.append(phase.path("phase").asText()).append(' ').append(phase.path("millis").asText()).append("ms  ");
        }
        System.out.printf("  migration %d %s: %s -> %s  %s%n", hop, migration.path("id").asText(), migration.path("source").asText(),
                migration.path("destination").asText(), migration.path("outcome").asText()
                + (migration.path("reason").isTextual() ? " (" + migration.path("reason").asText() + ")" : ""));
        System.out.println("         phases: " + phases);
        System.out.printf("         total %d ms, downtime %d ms, epoch %d%n", migration.path("totalMs").asLong(),
                migration.path("downtimeMs").asLong(), migration.path("epoch").asLong());
        System.out.printf("         state left %s%n         arrived    %s  %s%n", migration.path("digestLeft").asText(),
                migration.path("digestArrived").asText(), migration.path("digestLeft").asText().equals(
                        migration.path("digestArrived").asText()) ? "EQUAL" : "DIFFERENT");
        if ("COMMITTED".equals(migration.path("outcome").asText())) {
            JsonNode receipt = engine.receipt(migration.path("id").asText());
            StringBuilder fields = new StringBuilder();
            for (Iterator<Map.Entry<String, JsonNode>> it = receipt.path("receipt").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!field.getKey().equals("phases") && !field.getKey().startsWith("digest")) {
                    fields.append(field.getKey()).append('=').append(field.getValue().asText()).append(' ');
                }
            }
            System.out.printf("         receipt (signed %s by the engine, %s...): %s%n", receipt.path("suite").asText(),
                    receipt.path("signature").asText().substring(0, 16), fields.toString().trim());
        }
    }
}
