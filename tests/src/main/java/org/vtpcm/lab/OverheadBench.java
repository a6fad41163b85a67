package org.vtpcm.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.vtpcm.manager.libvirt.LibvirtJavaConnector;

/**
 * The paired overhead benchmark: the same guest migrated live between the lab's two nodes without
 * TPM and with a libvirt-managed swtpm (libvirt alone), and with its vTPCM through the migration
 * engine (with and without verify-before-resume), alternating the variants in every round after a
 * warm-up round. Writes docs/benchmarks/overhead.json and overhead.md, then draws the figures from the
 * JSON ({@link OverheadPlots}: overhead-timeline.png, overhead-totals.png). Usage: OverheadBench
 * [--rounds N] [--memory MiB] [--no-tls] [--out DIR]. Exit status: 0 done, 1 failed, 2 bad
 * arguments or lab.
 */
public final class OverheadBench {
    /** Lets the source's QEMU, swtpm and the managers finish their side of a migration before the next one. */
    private static final Duration SETTLE = Duration.ofSeconds(1);
    /** A variant failing this many times in a row stops the run: something is broken, not flaky. */
    private static final int MAX_CONSECUTIVE_FAILURES = 5;
    /** Every guest of this bench is named with this prefix. */
    private static final String GUEST_PREFIX = "ovh-";
    private static final String VTPCM_GUEST = GUEST_PREFIX + "vtpcm";

    /**
     * The options.
     *
     * @param rounds counted rounds (a warm-up round comes first)
     * @param memoryMiB guest memory, the same for every variant
     * @param tls QEMU's migration stream over TLS for every variant (the engine's default)
     * @param out where the results go
     */
    record Options(int rounds, int memoryMiB, boolean tls, Path out) {
        Options {
            if (rounds < 1 || rounds > 200) {
                throw new IllegalArgumentException("--rounds must be 1..200, got " + rounds);
            }
            if (memoryMiB < 128 || memoryMiB > 4096) {
                throw new IllegalArgumentException("--memory must be 128..4096 MiB (the guest needs ~100 MiB to unpack), got "
                        + memoryMiB);
            }
        }

        String command() {
            return "bin/bench overhead --rounds " + rounds + " --memory " + memoryMiB + (tls ? "" : " --no-tls");
        }

        static Options parse(String[] args) {
            int rounds = 20;
            int memory = 128;
            boolean tls = true;
            Path out = Path.of("docs/benchmarks");
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--rounds" -> rounds = Integer.parseInt(BenchMain.value(args, ++i));
                    case "--memory" -> memory = Integer.parseInt(BenchMain.value(args, ++i));
                    case "--no-tls" -> tls = false;
                    case "--out" -> out = Path.of(BenchMain.value(args, ++i));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (options: --rounds N, --memory MiB, --no-tls, --out DIR)");
                }
            }
            return new Options(rounds, memory, tls, out);
        }
    }

    private OverheadBench() {
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true"); // the figures are drawn into images, never on a display
        System.exit(BenchMain.exitStatus("bench overhead", () -> run(Options.parse(args))));
    }

    static int run(Options options) throws Exception {
        LabConfig lab = LabConfig.load(LabConfig.defaultLabDirectory());
        if (lab.nodes().size() < 2) {
            throw new LabNotReadyException("the benchmark needs 2 lab nodes, the lab has " + lab.nodes().size());
        }
        System.out.printf("bench overhead: %d rounds (+1 warm-up) of %s, guest %d MiB, TLS %s, %d cores%n", options.rounds(),
                String.join(", ", java.util.Arrays.stream(OverheadVariant.values()).map(OverheadVariant::key).toList()),
                options.memoryMiB(), options.tls() ? "on" : "off", Runtime.getRuntime().availableProcessors());
        OverheadReport.DEFINITIONS.forEach((key, text) -> System.out.println("  " + key + ": " + text));
        LibvirtJavaConnector connector = new LibvirtJavaConnector();
        List<MigrationSample> samples = new ArrayList<>();
        String stoppedEarly = null;
        Map<String, Integer> reboots;
        Map<String, String> continuity;
        // closed in reverse: guests first, then connections, then the control plane (which destroys the vtpcm guest), then leftovers
        try (BenchResources owned = new BenchResources("bench overhead")) {
            long setup = System.nanoTime();
            owned.own(() -> destroyLeftovers(lab, connector));
            // --no-tls measures the plaintext QEMU stream, which the engine and managers refuse unless told otherwise
            LabCloud cloud = owned.own(options.tls() ? LabCloud.start(lab) : LabCloud.startAllowingPlaintext(lab));
            LabHosts hosts = owned.own(new LabHosts(lab, connector));
            LifecycleDowntimeProbe probe = owned.own(new LifecycleDowntimeProbe(lab.nodes(), connector));
            BaselineGuest noTpm = owned.own(BaselineGuest.boot(lab, hosts, lab.node(1), GUEST_PREFIX + "no-tpm", options.memoryMiB(),
                    false));
            BaselineGuest plain = owned.own(BaselineGuest.boot(lab, hosts, lab.node(1), GUEST_PREFIX + "plain-vtpm", options.memoryMiB(),
                    true));
            LabCloud.Guest vtpcm = cloud.bootGuest(1, VTPCM_GUEST, options.memoryMiB());
            System.out.printf("  control plane and 3 guests up in %d ms (vtpcm and vtpcm_resume_first share the %s guest)%n",
                    (System.nanoTime() - setup) / 1_000_000, vtpcm.name());
            OverheadMigrations migrations = new OverheadMigrations(lab, hosts, cloud, probe, options.tls(), options.memoryMiB(), noTpm,
                    plain, VTPCM_GUEST, vtpcm);
            Map<OverheadVariant, Integer> failedInRow = new EnumMap<>(OverheadVariant.class);
            rounds:
            for (int round = 0; round <= options.rounds(); round++) {
                for (OverheadVariant variant : OverheadVariant.values()) {
                    MigrationSample sample;
                    try {
                        sample = migrations.run(round, variant);
                    } catch (BenchGiveUp e) {
                        stoppedEarly = "round " + round + ", " + variant.key() + ": " + e.getMessage();
                        break rounds;
                    } catch (RuntimeException e) {
                        sample = MigrationSample.failed(round, variant, "?", "?", "bench: " + e);
                    }
                    samples.add(sample);
                    print(sample);
                    int inRow = sample.ok() ? 0 : failedInRow.getOrDefault(variant, 0) + 1;
                    failedInRow.put(variant, inRow);
                    if (inRow >= MAX_CONSECUTIVE_FAILURES) {
                        stoppedEarly = variant.key() + " failed " + inRow + " times in a row; last: " + sample.failure();
                        break rounds;
                    }
                    Thread.sleep(SETTLE.toMillis());
                }
            }
            reboots = migrations.reboots();
            continuity = migrations.continuity();
        }
        OverheadReport.Run info = new OverheadReport.Run(options.command(), BenchMain.commit(), Instant.now().truncatedTo(ChronoUnit.SECONDS)
                .toString(), Runtime.getRuntime().availableProcessors(), options.memoryMiB(), options.tls(), options.rounds(), stoppedEarly,
                reboots, continuity);
        OverheadReport report = new OverheadReport(info, samples);
        Files.createDirectories(options.out());
        report.writeJson(options.out().resolve("overhead.json"));
        report.writeMarkdown(options.out().resolve("overhead.md"));
        String table = OverheadMarkdown.render(report, info);
        System.out.print(table.substring(table.indexOf("## Figures")));
        System.out.println("bench overhead: wrote " + options.out().resolve("overhead.json") + " and overhead.md"
                + (stoppedEarly == null ? "" : " (STOPPED EARLY: " + stoppedEarly + ")"));
        boolean drawn = drawFigures(options.out());
        return stoppedEarly == null && drawn ? 0 : 1;
    }

    /** The figures come from the JSON just written, as {@code OverheadPlots} would draw them later; a failure keeps the JSON. */
    private static boolean drawFigures(Path out) {
        try {
            OverheadPlots.write(out.resolve("overhead.json"), out).forEach(line -> System.out.println("bench overhead: figures: " + line));
            return true;
        } catch (IOException | RuntimeException e) {
            System.err.println("bench overhead: the figures failed (" + e + "); the JSON is written: draw them again with"
                    + " bin/bench overhead-plots");
            return false;
        }
    }

    /**
     * Last step of the clean-up: destroys any of the bench's domains still active on a node, e.g. one
     * the managers could not destroy because they were stopped together with the bench (a SIGTERM to
     * the process group), or one that libvirt carried to the other node while the bench stopped.
     */
    private static void destroyLeftovers(LabConfig lab, LibvirtJavaConnector connector) {
        for (LabNode node : lab.nodes()) {
            try (var host = connector.connect(node.libvirtUri())) {
                for (String domain : host.activeDomains()) {
                    if (domain.startsWith(GUEST_PREFIX)) {
                        System.err.println("bench overhead: cleanup: destroying leftover " + domain + " on " + node.name());
                        host.destroy(domain);
                    }
                }
            } catch (RuntimeException e) {
                System.err.println("bench overhead: cleanup on " + node.name() + ": " + e.getMessage());
            }
        }
    }

    private static void print(MigrationSample s) {
        String label = s.round() == 0 ? "warm-up" : "round " + s.round();
        if (!s.ok()) {
            System.out.printf("  %-8s %-19s %s -> %s  FAILED: %s%n", label, s.variant().key(), s.from(), s.to(), s.failure());
            return;
        }
        System.out.printf(Locale.ROOT, "  %-8s %-19s %s -> %s  total %5d ms  downtime %7.1f ms  (QEMU %d ms%s)%n", label,
                s.variant().key(), s.from(), s.to(), s.totalMillis(), s.downtimeMillis(), s.qemuDowntimeMillis(),
                s.variant().throughEngine() ? ", engine " + s.engineDowntimeMillis() + " ms, verification pause "
                        + s.verificationPauseMillis() + " ms" : "");
        if (!s.tpmCheckFailures().isEmpty()) {
            System.out.println("           guest TPM check FAILED after this migration: " + s.tpmCheckFailures() + "; events: " + s.events());
        }
    }
}
