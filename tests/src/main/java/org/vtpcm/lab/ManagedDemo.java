package org.vtpcm.lab;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.vtpcm.manager.client.ManagerClient;
import org.vtpcm.manager.libvirt.LibvirtJavaConnector;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.crypto.SuiteName;

/** The demo through the vTPCM managers: measured start, then hops through the migration hooks. */
final class ManagedDemo {
    private ManagedDemo() {
    }

    static int run(int hops, int memoryMiB) throws Exception {
        LabConfig lab = LabConfig.load(LabConfig.defaultLabDirectory());
        if (lab.nodes().size() < 2) {
            throw new LabNotReadyException("the demo needs at least 2 lab nodes, the lab has " + lab.nodes().size());
        }
        LabCa ca = LabCa.of(lab);
        List<LabManager> managers = List.of(new LabManager(lab, lab.node(1), ca), new LabManager(lab, lab.node(2), ca));
        String name = "vtpcm-demo";
        UUID vm = UUID.randomUUID();
        System.out.printf("vtpcm demo: guest %s (%d MiB, TCG) with its vTPCM (swtpm TPM 2.0 engine + TPCM layer, suite sm;"
                + " node root of trust: emulated TPM), %d live migration(s) through the managers' hooks%n", name, memoryMiB, hops);
        System.out.println("  definitions: phase times are wall time of each protocol step; total = first hook call to last commit;"
                + " downtime = QEMU's own figure; digests = SM3 of the TPM state blobs QEMU fetched at the source / loaded at the"
                + " destination, seen by each node's control-channel interposer");
        for (LabManager manager : managers) {
            manager.configure("sm");
            manager.enroll();
            manager.start();
        }
        LabManager current = managers.get(0);
        try (LabHosts hosts = new LabHosts(lab, new LibvirtJavaConnector());
                LabHosts monitorHosts = new LabHosts(lab, new LibvirtJavaConnector())) {
            CryptoSuite sm = CryptoSuites.of(SuiteName.SM);
            for (LabManager manager : managers) {
                manager.client().registerReferenceValue("kernel", digest(sm, lab.guestKernel()), "demo kernel");
                manager.client().registerReferenceValue("initrd", digest(sm, lab.guestInitrd()), "demo initramfs");
            }
            Path consoleFile = lab.consoleDirectory().resolve(name + ".log");
            Files.deleteIfExists(consoleFile);
            long bootStart = System.nanoTime();
            current.client().createVm(new GuestDomainXml(name, vm, memoryMiB, lab.guestKernel(), lab.guestInitrd(), consoleFile,
                    Path.of("/replaced/by/the/manager")).toXml(), "deny");
            JsonNode started = current.client().startVm(vm);
            GuestConsole console = new GuestConsole(consoleFile);
            console.awaitStepAfter(0, Duration.ofSeconds(90));
            System.out.printf("  measured start on %s: active control %s (%d artifacts measured with SM3), first TPM check after %d ms%n",
                    current.node().name(), started.path("decision").asText(), started.path("measurements").size(),
                    (System.nanoTime() - bootStart) / 1_000_000);
            List<ManagedHop.Result> results = new ArrayList<>();
            try (PlacementMonitor monitor = new PlacementMonitor(name, monitorHosts.all())) {
                for (int hop = 1; hop <= hops; hop++) {
                    LabManager target = current == managers.get(0) ? managers.get(1) : managers.get(0);
                    ManagedHop.Result result = ManagedHop.run(hosts, current.node(), current.client(), target.node(), target.client(),
                            name, vm);
                    results.add(result);
                    current = target;
                    console.awaitStepAfter(console.lastSeq(), Duration.ofSeconds(60));
                    StringBuilder phases = new StringBuilder();
                    for (Map.Entry<String, Long> phase : result.phaseMillis().entrySet()) {
                        phases.append(phase.getKey()).append(' ').append(phase.getValue()).append("ms  ");
                    }
                    System.out.printf("  hop %d -> %s: %stotal %d ms, downtime %d ms, epoch %d%n", hop, target.node().name(), phases,
                            result.totalMillis(), result.qemuDowntimeMillis(), result.epoch());
                    System.out.printf("         state left %s  arrived %s  %s; guest TPM check: %s%n", shortHex(result.digestLeft()),
                            shortHex(result.digestArrived()), result.stateContinuous() ? "EQUAL" : "DIFFERENT",
                            ContinuityChecker.check(console.steps()).continuous() ? "continuous" : "BROKEN");
                }
                ContinuityVerdict verdict = ContinuityChecker.check(console.steps());
                JsonNode log = current.client().measurementLog(vm);
                System.out.printf("  total: median %d ms; downtime: median %d ms (over %d hops)%n",
                        LabDemo.median(results.stream().mapToLong(ManagedHop.Result::totalMillis).toArray()),
                        LabDemo.median(results.stream().mapToLong(ManagedHop.Result::qemuDowntimeMillis).toArray()), results.size());
                System.out.println("  placement: " + (monitor.violations().isEmpty()
                        ? "the guest ran on exactly one node at all times (" + monitor.rounds() + " checks)"
                        : "VIOLATED: " + monitor.violations().get(0)));
                System.out.printf("  measurement log: %d signed entries moved with the vTPCM, chain %s%n", log.path("entries").size(),
                        log.path("valid").asBoolean() ? "verifies" : "BROKEN");
                System.out.println("  TPM continuity (guest's own check): " + verdict.summary());
                boolean good = verdict.continuous() && monitor.violations().isEmpty() && log.path("valid").asBoolean()
                        && results.stream().allMatch(ManagedHop.Result::stateContinuous);
                System.out.println("vtpcm demo: " + (good ? "PASS" : "FAIL"));
                return good ? 0 : 1;
            }
        } finally {
            try {
                ManagerClient client = current.client();
                client.stopVm(vm);
                client.destroyVm(vm);
            } catch (RuntimeException e) {
                System.err.println("vtpcm demo: cleanup: " + e.getMessage());
            }
            for (LabManager manager : managers) {
                manager.stop();
            }
        }
    }

    private static String shortHex(String hex) {
        return hex.length() > 16 ? hex.substring(0, 16) + "..." : hex;
    }

    private static String digest(CryptoSuite suite, Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return HexFormat.of().formatHex(suite.digest(in));
        }
    }
}
