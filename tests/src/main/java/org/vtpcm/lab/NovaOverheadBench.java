package org.vtpcm.lab;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.vtpcm.manager.libvirt.LibvirtJavaConnector;
import org.vtpcm.nova.NovaCloudClient;

/**
 * The Nova pair benchmark: in the lab's OpenStack profile, a server on the {@code vtpcm} flavor
 * (our compute driver runs the synchronized protocol through the engine's Nova hooks) and one of
 * the same image on the {@code plain} flavor are live-migrated back and forth between the two
 * computes with the tenant's {@code openstack server migrate --live-migration}, alternating vtpcm
 * and plain in every pair after a warm-up pair. Writes docs/benchmarks/nova-overhead.json and
 * nova-overhead.md. Usage: NovaOverheadBench [--pairs N] [--timeout SECONDS] [--out DIR]. Needs the
 * base lab and the OpenStack profile up (bin/bench starts them). Exit status: 0 done, 1 failed or
 * stopped early, 2 bad arguments or lab.
 */
public final class NovaOverheadBench {
    private static final String NAME = "bench nova-overhead";
    /** Lets the source compute finish its clean-up of a migration before the next one. */
    private static final Duration SETTLE = Duration.ofSeconds(1);
    /** A flavor failing this many times in a row stops the run: something is broken, not flaky. */
    private static final int MAX_CONSECUTIVE_FAILURES = 5;
    private static final Duration CLI = Duration.ofSeconds(60);

    /**
     * The options.
     *
     * @param pairs counted pairs (a warm-up pair comes first)
     * @param timeout per migration, from the client's start to Nova's record ending
     * @param out where the results go
     */
    record Options(int pairs, Duration timeout, Path out) {
        static final int DEFAULT_PAIRS = 10;
        static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);

        Options {
            if (pairs < 1 || pairs > 200) {
                throw new IllegalArgumentException("--pairs must be 1..200, got " + pairs);
            }
            if (timeout.toSeconds() < 30 || timeout.toSeconds() > 3600) {
                throw new IllegalArgumentException("--timeout must be 30..3600 seconds, got " + timeout.toSeconds());
            }
        }

        String command() {
            return "bin/bench nova-overhead --pairs " + pairs + (timeout.equals(DEFAULT_TIMEOUT) ? "" : " --timeout " + timeout.toSeconds());
        }

        static Options parse(String[] args) {
            int pairs = DEFAULT_PAIRS;
            Duration timeout = DEFAULT_TIMEOUT;
            Path out = Path.of("docs/benchmarks");
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--pairs" -> pairs = Integer.parseInt(BenchMain.value(args, ++i));
                    case "--timeout" -> timeout = Duration.ofSeconds(Long.parseLong(BenchMain.value(args, ++i)));
                    case "--out" -> out = Path.of(BenchMain.value(args, ++i));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (options: --pairs N, --timeout SECONDS, --out DIR)");
                }
            }
            return new Options(pairs, timeout, out);
        }
    }

    private NovaOverheadBench() {
    }

    public static void main(String[] args) {
        System.exit(BenchMain.exitStatus(NAME, () -> run(Options.parse(args))));
    }

    static int run(Options options) throws Exception {
        LabConfig lab = LabConfig.load(LabConfig.defaultLabDirectory());
        if (lab.nodes().size() < 2) {
            throw new LabNotReadyException("the benchmark needs 2 lab nodes, the lab has " + lab.nodes().size());
        }
        OpenStackLab openstack = OpenStackLab.ifUp(lab).orElseThrow(() -> new LabNotReadyException("the OpenStack lab profile is not"
                + " up; start it with devstack/lab/vtpcm-lab openstack-up (bin/bench nova-overhead does)"));
        System.out.printf("%s: %d pairs (+1 warm-up) of vtpcm, plain; per-migration timeout %d s; %d cores%n", NAME, options.pairs(),
                options.timeout().toSeconds(), Runtime.getRuntime().availableProcessors());
        NovaOverheadReport.DEFINITIONS.forEach((key, text) -> System.out.println("  " + key + ": " + text));
        List<NovaMigrationSample> samples = new ArrayList<>();
        String stoppedEarly = null;
        Map<String, String> flavors;
        Map<String, Integer> replacements;
        String continuity;
        // closed in reverse: the servers first (our driver destroys the vTPCM through the manager), then connections, then the cloud
        try (BenchResources owned = new BenchResources(NAME)) {
            long setup = System.nanoTime();
            LabCloud cloud = owned.own(openstack.startCloud());
            NovaCloudClient nova = owned.own(openstack.novaCloud());
            System.out.println("  Nova's compute API at microversion " + nova.computeApiVersion());
            LibvirtJavaConnector connector = new LibvirtJavaConnector();
            LabHosts hosts = owned.own(new LabHosts(lab, connector));
            LifecycleDowntimeProbe probe = owned.own(new LifecycleDowntimeProbe(lab.nodes(), connector));
            NovaBenchServers servers = owned.own(new NovaBenchServers(lab, openstack, nova));
            servers.deleteLeftovers();
            flavors = describeFlavors(openstack);
            for (NovaBenchFlavor flavor : NovaBenchFlavor.values()) {
                servers.boot(flavor, lab.node(1));
            }
            System.out.printf("  vtpcm control plane and 2 servers up in %d ms%n", (System.nanoTime() - setup) / 1_000_000);
            NovaLiveMigrations migrations = new NovaLiveMigrations(lab, openstack, nova, cloud.engineClient(), hosts, probe, servers,
                    options.timeout());
            Map<NovaBenchFlavor, Integer> failedInRow = new EnumMap<>(NovaBenchFlavor.class);
            pairs:
            for (int round = 0; round <= options.pairs(); round++) {
                for (NovaBenchFlavor flavor : NovaBenchFlavor.values()) {
                    NovaMigrationSample sample;
                    try {
                        sample = migrations.run(round, flavor);
                    } catch (BenchGiveUp e) {
                        stoppedEarly = "pair " + round + ", " + flavor.key() + ": " + e.getMessage();
                        break pairs;
                    } catch (RuntimeException e) {
                        sample = NovaMigrationSample.failed(round, flavor, "?", "?", "bench: " + e, "");
                    }
                    samples.add(sample);
                    print(sample);
                    int inRow = sample.ok() ? 0 : failedInRow.getOrDefault(flavor, 0) + 1;
                    failedInRow.put(flavor, inRow);
                    if (inRow >= MAX_CONSECUTIVE_FAILURES) {
                        stoppedEarly = flavor.key() + " failed " + inRow + " times in a row; last: " + sample.failure();
                        break pairs;
                    }
                    Thread.sleep(SETTLE.toMillis());
                }
            }
            replacements = servers.replacements();
            continuity = servers.vtpcmContinuity();
        }
        NovaOverheadReport.Run info = new NovaOverheadReport.Run(options.command(), BenchMain.commit(), Instant.now()
                .truncatedTo(ChronoUnit.SECONDS).toString(), Runtime.getRuntime().availableProcessors(), options.pairs(),
                options.timeout().toSeconds(), flavors, stoppedEarly, replacements, continuity);
        NovaOverheadReport report = new NovaOverheadReport(info, samples);
        Files.createDirectories(options.out());
        report.writeJson(options.out().resolve("nova-overhead.json"));
        report.writeMarkdown(options.out().resolve("nova-overhead.md"));
        String table = NovaOverheadMarkdown.render(report);
        System.out.print(table.substring(table.indexOf("## Figures")));
        System.out.println(NAME + ": wrote " + options.out().resolve("nova-overhead.json") + " and nova-overhead.md"
                + (stoppedEarly == null ? "" : " (STOPPED EARLY: " + stoppedEarly + ")"));
        return stoppedEarly == null ? 0 : BenchMain.FAILED;
    }

    /** What Nova says of each flavor: RAM, vCPUs, root disk and extra specs. */
    private static Map<String, String> describeFlavors(OpenStackLab openstack) {
        Map<String, String> described = new LinkedHashMap<>();
        for (NovaBenchFlavor flavor : NovaBenchFlavor.values()) {
            JsonNode shown = openstack.json(CLI, "flavor", "show", flavor.key());
            JsonNode properties = shown.path("properties");
            String specs = properties.isObject() ? properties.toString() : properties.asText("");
            described.put(flavor.key(), shown.path("ram").asText() + " MB, " + shown.path("vcpus").asText() + " vCPU, root disk "
                    + shown.path("disk").asText() + " GB, " + (specs.isEmpty() || specs.equals("{}") ? "no extra specs" : "extra specs "
                    + specs));
        }
        return described;
    }

    private static void print(NovaMigrationSample s) {
        String label = s.round() == 0 ? "warm-up" : "pair " + s.round();
        if (!s.ok()) {
            System.out.printf("  %-8s %-6s %s -> %s  FAILED: %s%n", label, s.flavor().key(), s.from(), s.to(), s.failure());
            return;
        }
        System.out.printf(Locale.ROOT, "  %-8s %-6s %s -> %s  total %6d ms (client %5d ms)  downtime %7.1f ms  (QEMU %d ms%s)  Nova %s%n",
                label, s.flavor().key(), s.from(), s.to(), s.totalMillis(), s.cliMillis(), s.downtimeMillis(), s.qemuDowntimeMillis(),
                s.flavor() == NovaBenchFlavor.VTPCM ? ", engine total " + s.engineTotalMillis() + " ms" : "", s.novaMigration());
        if (!s.tpmCheckFailures().isEmpty()) {
            System.out.println("           guest TPM check FAILED after this migration: " + s.tpmCheckFailures());
        }
    }
}
