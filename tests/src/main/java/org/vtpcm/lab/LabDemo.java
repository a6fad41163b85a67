package org.vtpcm.lab;

import java.util.ArrayList;
import java.util.List;
import org.vtpcm.manager.libvirt.LibvirtJavaConnector;
import org.vtpcm.manager.libvirt.MigrationOptions;

/**
 * The main job ({@link EngineDemo}): the managers and the migration engine in the lab, the
 * TPM-checking guest booted with its vTPCM on node 1 and migrated back and forth through the
 * engine, printing each migration's phases, timings, state digests, receipt and the guest's
 * continuity verdict. With
 * {@code --plain}, the same guest with a bare swtpm migrated by libvirt alone (the baseline).
 * Exit status: 0 continuous, 1 broken, 2 the lab or arguments are not usable.
 */
public final class LabDemo {
    private LabDemo() {
    }

    public static void main(String[] args) {
        int hops = 2;
        int memoryMiB = 128;
        boolean plain = false;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--hops" -> hops = Integer.parseInt(value(args, ++i, "--hops"));
                    case "--memory" -> memoryMiB = Integer.parseInt(value(args, ++i, "--memory"));
                    case "--plain" -> plain = true;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (options: --hops N, --memory MiB, --plain)");
                }
            }
            if (hops < 1 || hops > 100) {
                throw new IllegalArgumentException("--hops must be 1..100");
            }
            System.exit(plain ? run(hops, memoryMiB) : EngineDemo.run(hops, memoryMiB));
        } catch (NumberFormatException e) {
            System.err.println("vtpcm demo: error: a number was expected: " + e.getMessage());
            System.exit(2);
        } catch (IllegalArgumentException | LabNotReadyException e) {
            System.err.println("vtpcm demo: error: " + e.getMessage());
            System.exit(2);
        } catch (RuntimeException e) {
            System.err.println("vtpcm demo: failed: " + e.getMessage());
            System.exit(1);
        } catch (Exception e) {
            System.err.println("vtpcm demo: failed: " + e.getMessage());
            System.exit(1);
        }
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    private static int run(int hops, int memoryMiB) {
        System.out.println("vtpcm demo (--plain): libvirt alone, no vTPCM protocol");
        LabConfig lab = LabConfig.load(LabConfig.defaultLabDirectory());
        if (lab.nodes().size() < 2) {
            throw new LabNotReadyException("the demo needs at least 2 lab nodes, the lab has " + lab.nodes().size());
        }
        LibvirtJavaConnector connector = new LibvirtJavaConnector();
        String name = "vtpcm-demo";
        System.out.printf("vtpcm demo: guest %s (%d MiB, TCG, TPM 2.0 TIS -> swtpm, emulated TPM), %d live migration(s)%n",
                name, memoryMiB, hops);
        System.out.println("  definitions: total = wall time of libvirt's peer-to-peer migrate call; downtime = QEMU's own"
                + " downtime figure (vCPUs stopped at source until run at destination)");
        List<HopResult> results = new ArrayList<>();
        try (LabHosts hosts = new LabHosts(lab, connector);
                LabHosts monitorHosts = new LabHosts(lab, connector)) {
            long bootStart = System.nanoTime();
            try (LabGuest guest = LabGuest.boot(lab, hosts, lab.node(1), name, memoryMiB);
                    PlacementMonitor monitor = new PlacementMonitor(name, monitorHosts.all())) {
                System.out.printf("  boot on %s: first TPM check after %d ms%n", lab.node(1).name(),
                        (System.nanoTime() - bootStart) / 1_000_000);
                for (int hop = 1; hop <= hops; hop++) {
                    LabNode destination = guest.node().number() == 1 ? lab.node(2) : lab.node(1);
                    HopResult result = guest.migrateTo(destination, MigrationOptions.defaults());
                    results.add(result);
                    ContinuityVerdict soFar = guest.verdict();
                    System.out.printf("  hop %d: %s -> %s  total %4d ms  downtime %3d ms  sent %5.1f MiB  source swtpm %s"
                            + "  guest steps %d->%d  %s%n", hop, result.from(), result.to(), result.wallMillis(),
                            result.qemuDowntimeMillis(), result.transferredBytes() / 1048576.0,
                            result.sourceTpmEngineGone() ? "gone" : "STILL RUNNING", result.lastSeqBefore(),
                            result.firstSeqAfter(), soFar.continuous() ? "ok" : "BROKEN");
                }
                ContinuityVerdict verdict = guest.verdict();
                List<String> placement = monitor.violations();
                System.out.printf("  total: median %d ms; downtime: median %d ms (over %d hops)%n",
                        median(results.stream().mapToLong(HopResult::wallMillis).toArray()),
                        median(results.stream().mapToLong(HopResult::qemuDowntimeMillis).toArray()), results.size());
                System.out.println("  placement: " + (placement.isEmpty()
                        ? "the guest ran on exactly one node at all times (" + monitor.rounds() + " checks)"
                        : "VIOLATED: " + placement.get(0)));
                System.out.println("  TPM continuity (guest's own check): " + verdict.summary());
                boolean good = verdict.continuous() && placement.isEmpty()
                        && results.stream().allMatch(HopResult::sourceTpmEngineGone);
                System.out.println("vtpcm demo: " + (good ? "PASS" : "FAIL"));
                return good ? 0 : 1;
            }
        }
    }

    static long median(long[] values) {
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted.length == 0 ? -1 : sorted[sorted.length / 2];
    }
}
