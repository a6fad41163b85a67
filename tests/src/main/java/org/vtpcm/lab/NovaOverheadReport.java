package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;
import static org.vtpcm.lab.BenchJson.put;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The figures of the Nova overhead benchmark from its samples: per flavor distributions and the
 * paired per-pair comparisons; written as docs/benchmarks/nova-overhead.json and nova-overhead.md.
 */
final class NovaOverheadReport {
    static final Map<String, String> DEFINITIONS = definitions();

    /**
     * What the run was.
     *
     * @param command the command line that produced it
     * @param commit the source commit
     * @param date ISO-8601 date of the run
     * @param cores the machine's core count
     * @param pairsRequested counted pairs asked for (a warm-up pair comes first)
     * @param timeoutSeconds the per-migration timeout
     * @param flavors per flavor key, what Nova says of it (RAM, vCPUs, properties)
     * @param stoppedEarly why the run stopped before all pairs, or null
     * @param replacements servers replaced after they were found dead or stuck, per flavor key
     * @param vtpcmContinuity the vtpcm guests' own TPM continuity verdicts
     */
    record Run(String command, String commit, String date, int cores, int pairsRequested, long timeoutSeconds,
            Map<String, String> flavors, String stoppedEarly, Map<String, Integer> replacements, String vtpcmContinuity) {
        Run {
            requireNonNull(command, "command is null");
            requireNonNull(commit, "commit is null");
            requireNonNull(date, "date is null");
            flavors = Map.copyOf(flavors);
            replacements = Map.copyOf(replacements);
            requireNonNull(vtpcmContinuity, "vtpcmContinuity is null");
        }
    }

    /** A paired per-pair comparison of the vtpcm migration with the plain one. */
    record Comparison(String key, ToDoubleFunction<NovaMigrationSample> value, boolean ratio, String meaning) {
        static final List<Comparison> ALL = List.of(
                new Comparison("total_ratio_vtpcm_vs_plain", NovaOverheadReport::total, true, "vtpcm total / plain total"),
                new Comparison("total_delta_ms_vtpcm_vs_plain", NovaOverheadReport::total, false, "vtpcm total - plain total"),
                new Comparison("accepted_to_completed_ratio_vtpcm_vs_plain", NovaOverheadReport::acceptedToCompleted, true,
                        "vtpcm accepted_to_completed / plain accepted_to_completed"),
                new Comparison("downtime_delta_ms_vtpcm_vs_plain", NovaOverheadReport::downtime, false,
                        "vtpcm downtime - plain downtime"));
    }

    private final Run run;
    private final List<NovaMigrationSample> samples;

    NovaOverheadReport(Run run, List<NovaMigrationSample> samples) {
        this.run = requireNonNull(run, "run is null");
        this.samples = List.copyOf(samples);
    }

    private static Map<String, String> definitions() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("total", "wall clock from the start of the tenant's `openstack --os-compute-api-version 2.30 server migrate"
                + " --live-migration --host <the other compute> <server>` (a client process the bench starts, without --wait, with the"
                + " profile's admin credentials) to the first answer of Nova's os-migrations API (GET /os-migrations?instance_uuid="
                + "<server>, compute API microversion 2.93 negotiated by nova-bridge's client) that shows the live-migration record the"
                + " call created as `completed`. The bench polls that API one request at a time, " + NovaLiveMigrations.POLL_MILLIS
                + " ms after each answer, so the end is late by at most the poll interval plus one request, for both flavors alike");
        d.put("cli", "from the start of that client process to its exit: the client's start-up, its Keystone token, its server"
                + " lookup and Nova's 202 to os-migrateLive (the same work for both flavors)");
        d.put("accepted_to_completed", "total minus cli: from the client's exit (Nova accepted the request) to the completed record");
        d.put("downtime", "from the source compute's SUSPENDED life-cycle event of the server's libvirt domain to the destination's"
                + " RESUMED event, each stamped with System.nanoTime() on arrival at the bench over its own libvirt event connection to"
                + " that node (as in the overhead bench). Nova mode is resume-first: Nova's libvirt driver resumes the guest and the"
                + " vtpcm commit follows while it runs, so no verification pause is in it; null where the events did not arrive");
        d.put("qemu_downtime", "QEMU's own downtime figure from libvirt's completed job at the destination (-1 where libvirt kept none)");
        d.put("engine_total", "vtpcm only: the engine's totalMs of the protocol run inside the Nova migration, from the destination's"
                + " pre-check (check_can_live_migrate_destination) to COMMITTED (post_live_migration_at_destination)");
        d.put("pairs", "a pair is one vtpcm migration followed by one plain migration, each server from its compute to the other; the"
                + " two servers go back and forth, so consecutive pairs alternate direction; one warm-up pair first, not counted");
        d.put("overhead_ratio", "median over pairs of (vtpcm total / plain total) in the same pair, over the pairs where both succeeded");
        d.put("failure", "a migration fails when the client fails, Nova's record ends in anything but `completed` or does not complete"
                + " within the per-migration timeout (the bench then asks Nova to abort it), the vtpcm flavor's engine record for it is"
                + " not COMMITTED at the destination, the server is not ACTIVE and idle on the destination afterwards, or its guest"
                + " stopped (the vtpcm guest made no TPM check step within 60 s, the plain guest's domain is not running); a server"
                + " left dead or stuck is replaced by a new one before its next migration");
        d.put("statistics", OverheadReport.DEFINITIONS.get("statistics"));
        return d;
    }

    // --- figures

    private List<NovaMigrationSample> counted(NovaBenchFlavor flavor) {
        return samples.stream().filter(s -> s.round() > 0 && s.flavor() == flavor).toList();
    }

    Distribution distribution(NovaBenchFlavor flavor, ToDoubleFunction<NovaMigrationSample> value) {
        return Distribution.of(counted(flavor).stream().filter(NovaMigrationSample::ok).mapToDouble(value).filter(v -> v >= 0).toArray());
    }

    static double total(NovaMigrationSample s) {
        return s.totalMillis();
    }

    static double cli(NovaMigrationSample s) {
        return s.cliMillis();
    }

    static double acceptedToCompleted(NovaMigrationSample s) {
        return s.acceptedToCompletedMillis();
    }

    static double downtime(NovaMigrationSample s) {
        return s.downtimeMillis();
    }

    /** Over the counted pairs where both migrations succeeded: vtpcm/plain (ratio) or vtpcm - plain of the value. */
    Distribution paired(ToDoubleFunction<NovaMigrationSample> value, boolean ratio) {
        List<Double> values = new ArrayList<>();
        for (NovaMigrationSample vtpcm : counted(NovaBenchFlavor.VTPCM)) {
            Optional<NovaMigrationSample> plain = counted(NovaBenchFlavor.PLAIN).stream().filter(s -> s.round() == vtpcm.round()).findFirst();
            if (!vtpcm.ok() || plain.isEmpty() || !plain.get().ok()) {
                continue;
            }
            double x = value.applyAsDouble(vtpcm);
            double y = value.applyAsDouble(plain.get());
            if (Double.isNaN(x) || Double.isNaN(y) || x < 0 || y < 0 || (ratio && y == 0)) {
                continue;
            }
            values.add(ratio ? x / y : x - y);
        }
        return Distribution.of(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    List<NovaMigrationSample> failures(NovaBenchFlavor flavor) {
        return counted(flavor).stream().filter(s -> !s.ok()).toList();
    }

    /** Successful migrations after which the vtpcm guest's own TPM check failed (warm-up included). */
    List<NovaMigrationSample> tpmCheckFailures() {
        return samples.stream().filter(s -> s.ok() && !s.tpmCheckFailures().isEmpty()).toList();
    }

    /** Counted pairs the run got to (a pair whose second migration was never tried counts too). */
    int pairs() {
        return (int) samples.stream().filter(s -> s.round() > 0).mapToInt(NovaMigrationSample::round).distinct().count();
    }

    Run run() {
        return run;
    }

    // --- JSON

    void writeJson(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(file.toFile(), toJson(json));
    }

    ObjectNode toJson(ObjectMapper json) {
        ObjectNode root = json.createObjectNode();
        root.put("benchmark", "nova-overhead");
        root.put("pairs", pairs());
        root.put("pairs_requested", run.pairsRequested());
        root.put("warmup_pairs", 1);
        root.put("date", run.date());
        root.put("commit", run.commit());
        root.put("cores", run.cores());
        root.put("command", run.command());
        root.put("guest", "the lab image vtpcm-guest (Debian cloud kernel + busybox/tpm2-tools initramfs, AMI style, 1 MiB raw root disk,"
                + " TCG) on both flavors, which differ only in their extra specs; the vtpcm guest runs its TPM continuity loop, the plain"
                + " guest finds no TPM device and sleeps");
        root.put("migration", "Nova live migration (block_migration auto: the instances path is per node, so the root disk is copied),"
                + " libvirt peer-to-peer over TCP with QEMU's stream in native TLS (live_migration_with_native_tls), --nic none");
        root.put("poll_interval_ms", NovaLiveMigrations.POLL_MILLIS);
        root.put("timeout_s", run.timeoutSeconds());
        if (run.stoppedEarly() != null) {
            root.put("stopped_early", run.stoppedEarly());
        }
        ObjectNode definitions = root.putObject("definitions");
        DEFINITIONS.forEach(definitions::put);
        for (NovaBenchFlavor flavor : NovaBenchFlavor.values()) {
            ObjectNode f = root.putObject(flavor.key());
            f.put("description", flavor.description());
            f.put("flavor", run.flavors().getOrDefault(flavor.key(), "unknown"));
            ObjectNode total = f.putObject("total_ms");
            put(total, distribution(flavor, NovaOverheadReport::total));
            total.put("failures", failures(flavor).size());
            put(f.putObject("cli_ms"), distribution(flavor, NovaOverheadReport::cli));
            put(f.putObject("accepted_to_completed_ms"), distribution(flavor, NovaOverheadReport::acceptedToCompleted));
            put(f.putObject("downtime_ms"), distribution(flavor, NovaOverheadReport::downtime));
            put(f.putObject("qemu_downtime_ms"), distribution(flavor, s -> s.qemuDowntimeMillis()));
            if (flavor == NovaBenchFlavor.VTPCM) {
                put(f.putObject("engine_total_ms"), distribution(flavor, s -> s.engineTotalMillis()));
                put(f.putObject("engine_downtime_ms"), distribution(flavor, s -> s.engineDowntimeMillis()));
            }
            f.put("failures", failures(flavor).size());
            ArrayNode reasons = f.putArray("failure_reasons");
            failures(flavor).forEach(s -> reasons.add("pair " + s.round() + " " + s.from() + "->" + s.to() + ": " + s.failure()));
            f.put("servers_replaced", run.replacements().getOrDefault(flavor.key(), 0));
        }
        put(root, "total_ratio_vtpcm_vs_plain", paired(NovaOverheadReport::total, true).median());
        put(root, "accepted_to_completed_ratio_vtpcm_vs_plain", paired(NovaOverheadReport::acceptedToCompleted, true).median());
        put(root, "downtime_delta_ms_vtpcm_vs_plain", paired(NovaOverheadReport::downtime, false).median());
        ObjectNode comparisons = root.putObject("paired_comparisons");
        for (Comparison c : Comparison.ALL) {
            ObjectNode item = comparisons.putObject(c.key());
            put(item.putObject("distribution"), paired(c.value(), c.ratio()));
            item.put("meaning", c.meaning());
        }
        root.put("guest_tpm_check_failures", tpmCheckFailures().size());
        ArrayNode broken = root.putArray("guest_tpm_check_failure_details");
        tpmCheckFailures().forEach(s -> broken.add("pair " + s.round() + " " + s.from() + "->" + s.to() + ": " + s.tpmCheckFailures()));
        root.put("guest_tpm_continuity", run.vtpcmContinuity());
        ArrayNode raw = root.putArray("samples");
        for (NovaMigrationSample s : samples) {
            ObjectNode item = raw.addObject();
            item.put("pair", s.round()).put("flavor", s.flavor().key()).put("from", s.from()).put("to", s.to()).put("ok", s.ok());
            if (!s.novaMigration().isEmpty()) {
                item.put("nova_migration", s.novaMigration());
            }
            if (!s.ok()) {
                item.put("failure", s.failure());
                continue;
            }
            item.put("total_ms", s.totalMillis()).put("cli_ms", s.cliMillis());
            put(item, "downtime_ms", s.downtimeMillis());
            item.put("qemu_downtime_ms", s.qemuDowntimeMillis());
            if (s.flavor() == NovaBenchFlavor.VTPCM) {
                item.put("engine_total_ms", s.engineTotalMillis()).put("engine_downtime_ms", s.engineDowntimeMillis());
            }
            item.put("events", s.events());
            if (!s.tpmCheckFailures().isEmpty()) {
                item.put("guest_tpm_check_failures", s.tpmCheckFailures());
            }
        }
        return root;
    }

    void writeMarkdown(Path file) throws IOException {
        Files.writeString(file, NovaOverheadMarkdown.render(this));
    }
}
