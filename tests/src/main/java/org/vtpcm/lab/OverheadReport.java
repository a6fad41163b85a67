package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;
import static org.vtpcm.lab.BenchJson.put;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
 * The figures of the overhead benchmark from its samples: per variant distributions, the paired
 * per-round comparisons, the engine's phase medians; written as docs/benchmarks/overhead.json and
 * overhead.md.
 */
final class OverheadReport {
    static final Map<String, String> DEFINITIONS = definitions();

    /**
     * What the run was.
     *
     * @param command the command line that produced it
     * @param commit the source commit
     * @param date ISO-8601 date of the run
     * @param cores the machine's core count
     * @param memoryMiB guest memory
     * @param tls whether QEMU's migration stream used TLS (all variants)
     * @param rounds rounds asked for (counted; a warm-up round 0 comes first)
     * @param stoppedEarly why the run stopped before all rounds, or null
     * @param reboots guests booted again after being found dead
     * @param continuity the guests' own TPM continuity verdicts
     */
    record Run(String command, String commit, String date, int cores, int memoryMiB, boolean tls, int rounds, String stoppedEarly,
            Map<String, Integer> reboots, Map<String, String> continuity) {
        Run {
            requireNonNull(command, "command is null");
            reboots = Map.copyOf(reboots);
            continuity = Map.copyOf(continuity);
        }
    }

    private final Run run;
    private final List<MigrationSample> samples;

    OverheadReport(Run run, List<MigrationSample> samples) {
        this.run = requireNonNull(run, "run is null");
        this.samples = List.copyOf(samples);
    }

    /** Every sample, warm-up and failures included. */
    List<MigrationSample> samples() {
        return samples;
    }

    private static Map<String, String> definitions() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("total", "vtpcm variants: the engine's totalMs, from the request accepted to COMMITTED (attestation, preparation, state"
                + " transfer, VM migration, verification, commit); baselines: wall time of libvirt's peer-to-peer live migrate call"
                + " (call -> returned, the VM running at the destination)");
        d.put("downtime", "every variant alike: from the source's SUSPENDED life-cycle event to the destination's RESUMED event, each"
                + " stamped with System.nanoTime() on arrival at the bench over its own libvirt event connection to that node; includes"
                + " the paused-at-destination wait of verify-before-resume");
        d.put("qemu_downtime", "QEMU's own downtime job figure (libvirt's completed job at the destination; for vtpcm the engine's"
                + " receipt qemuDowntimeMs); excludes any paused-at-destination wait");
        d.put("source_stop", "from the source's SUSPENDED event to its STOPPED event: how long libvirt takes to end the migration at"
                + " the source once the guest is paused there (the migrate call returns about then)");
        d.put("overhead_ratio", "median over rounds of (vtpcm run / baseline run) within the same round");
        d.put("downtime_delta", "median over rounds of (vtpcm downtime - baseline downtime) within the same round");
        d.put("phases", "the engine's phases[].millis: time spent in each protocol phase, median over counted rounds");
        d.put("timeline", "per sample (samples[].timeline), milliseconds from the bench sending the request (the engine's POST, or"
                + " libvirt's migrate call): the engine's phases from its journal (phases[].at, the same host's wall clock, placed by the"
                + " bench's wall clock at the request; accepted_ms = the engine's createdAt), the life-cycle events on arrival at the bench,"
                + " call_returned_ms for the baselines; " + OverheadPlots.TIMELINE_PNG + " draws the median vtpcm and the median no_tpm run"
                + " (the counted run whose total is the median; the lower middle one for an even count)");
        d.put("statistics", "median (mean of the two middle values for an even count), p95 nearest rank, min, max over successful"
                + " counted runs; runs = how many; failed migrations are counted in failures and excluded from the figures");
        return d;
    }

    // --- figures

    private List<MigrationSample> counted(OverheadVariant variant) {
        return samples.stream().filter(s -> s.round() > 0 && s.variant() == variant).toList();
    }

    Distribution distribution(OverheadVariant variant, ToDoubleFunction<MigrationSample> value) {
        return Distribution.of(counted(variant).stream().filter(MigrationSample::ok).mapToDouble(value).filter(v -> v >= 0).toArray());
    }

    static double total(MigrationSample s) {
        return s.totalMillis();
    }

    static double sourceStop(MigrationSample s) {
        return s.sourceStopMillis();
    }

    static double downtime(MigrationSample s) {
        return s.downtimeMillis();
    }

    /** Per migration: the downtime the events show minus the engine's downtimeMs (what the engine's figure misses). */
    Distribution engineUnderCount(OverheadVariant variant) {
        return Distribution.of(counted(variant).stream().filter(s -> s.ok() && s.engineDowntimeMillis() >= 0)
                .mapToDouble(s -> s.downtimeMillis() - s.engineDowntimeMillis()).toArray());
    }

    /** Median over rounds where both succeeded of the per-round combination of the two. */
    Distribution paired(OverheadVariant measured, OverheadVariant baseline, ToDoubleFunction<MigrationSample> value, boolean ratio) {
        List<Double> values = new ArrayList<>();
        for (MigrationSample m : counted(measured)) {
            Optional<MigrationSample> b = counted(baseline).stream().filter(s -> s.round() == m.round()).findFirst();
            if (!m.ok() || b.isEmpty() || !b.get().ok()) {
                continue;
            }
            double x = value.applyAsDouble(m);
            double y = value.applyAsDouble(b.get());
            if (Double.isNaN(x) || Double.isNaN(y) || (ratio && y <= 0)) {
                continue;
            }
            values.add(ratio ? x / y : x - y);
        }
        return Distribution.of(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    Map<String, Double> phaseMedians(OverheadVariant variant) {
        Map<String, List<Double>> byPhase = new LinkedHashMap<>();
        for (MigrationSample s : counted(variant)) {
            if (s.ok()) {
                s.phaseMillis().forEach((phase, millis) -> byPhase.computeIfAbsent(phase, p -> new ArrayList<>()).add(millis.doubleValue()));
            }
        }
        Map<String, Double> medians = new LinkedHashMap<>();
        byPhase.forEach((phase, values) -> medians.put(phase, Distribution.of(values.stream().mapToDouble(Double::doubleValue).toArray())
                .median()));
        return medians;
    }

    List<MigrationSample> failures(OverheadVariant variant) {
        return counted(variant).stream().filter(s -> !s.ok()).toList();
    }

    /** Successful migrations after which the guest's own TPM check failed. */
    List<MigrationSample> tpmCheckFailures(OverheadVariant variant) {
        return samples.stream().filter(s -> s.variant() == variant && s.ok() && !s.tpmCheckFailures().isEmpty()).toList();
    }

    int pairs() {
        return (int) samples.stream().filter(s -> s.round() > 0).mapToInt(MigrationSample::round).distinct().count();
    }

    // --- JSON

    void writeJson(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("benchmark", "overhead");
        root.put("pairs", pairs());
        root.put("rounds_requested", run.rounds());
        root.put("warmup_rounds", 1);
        root.put("date", run.date());
        root.put("commit", run.commit());
        root.put("cores", run.cores());
        root.put("memory_mib", run.memoryMiB());
        root.put("command", run.command());
        root.put("guest", "the lab guest (Debian cloud kernel + busybox/tpm2-tools initramfs, TCG, 1 vCPU), the same image and memory"
                + " for every variant; with a TPM its init runs the TPM continuity loop, without one it reports no TPM and sleeps");
        root.put("migration", "live, peer-to-peer, single stream, no bandwidth cap, TLS " + (run.tls() ? "on" : "off") + " for every variant");
        root.put("tls", run.tls());
        if (run.stoppedEarly() != null) {
            root.put("stopped_early", run.stoppedEarly());
        }
        ObjectNode definitions = root.putObject("definitions");
        DEFINITIONS.forEach(definitions::put);
        for (OverheadVariant variant : OverheadVariant.values()) {
            ObjectNode v = root.putObject(variant.key());
            v.put("description", variant.description());
            put(v.putObject("total_ms"), distribution(variant, OverheadReport::total));
            put(v.putObject("downtime_ms"), distribution(variant, OverheadReport::downtime));
            put(v.putObject("qemu_downtime_ms"), distribution(variant, s -> s.qemuDowntimeMillis()));
            put(v.putObject("source_stop_ms"), distribution(variant, OverheadReport::sourceStop));
            if (variant.throughEngine()) {
                put(v.putObject("engine_downtime_ms"), distribution(variant, s -> s.engineDowntimeMillis()));
                put(v.putObject("verification_pause_ms"), distribution(variant, s -> s.verificationPauseMillis()));
                put(v.putObject("downtime_minus_engine_downtime_ms"), engineUnderCount(variant));
                ObjectNode phases = v.putObject("phase_median_ms");
                phaseMedians(variant).forEach((phase, median) -> put(phases, phase, median));
            }
            List<MigrationSample> broken = tpmCheckFailures(variant);
            v.put("guest_tpm_check_failures", broken.size());
            var brokenList = v.putArray("guest_tpm_check_failure_details");
            broken.forEach(b -> brokenList.add("round " + b.round() + " " + b.from() + "->" + b.to() + ": " + b.tpmCheckFailures()));
            v.put("failures", failures(variant).size());
            var reasons = v.putArray("failure_reasons");
            failures(variant).forEach(f -> reasons.add("round " + f.round() + " " + f.from() + "->" + f.to() + ": " + f.failure()));
        }
        put(root, "total_ratio_vtpcm_vs_no_tpm", paired(OverheadVariant.VTPCM, OverheadVariant.NO_TPM, OverheadReport::total, true).median());
        put(root, "total_ratio_vtpcm_vs_plain_vtpm", paired(OverheadVariant.VTPCM, OverheadVariant.PLAIN_VTPM, OverheadReport::total, true)
                .median());
        put(root, "downtime_delta_ms_vtpcm_vs_no_tpm", paired(OverheadVariant.VTPCM, OverheadVariant.NO_TPM, OverheadReport::downtime,
                false).median());
        put(root, "downtime_delta_ms_vtpcm_vs_plain_vtpm", paired(OverheadVariant.VTPCM, OverheadVariant.PLAIN_VTPM,
                OverheadReport::downtime, false).median());
        ObjectNode comparisons = root.putObject("paired_comparisons");
        for (Comparison c : Comparison.ALL) {
            ObjectNode item = comparisons.putObject(c.key());
            put(item.putObject("distribution"), paired(c.measured(), c.baseline(), c.downtime() ? OverheadReport::downtime
                    : OverheadReport::total, c.ratio()));
            item.put("meaning", c.meaning());
        }
        ObjectNode phases = root.putObject("vtpcm_phase_median_ms");
        phaseMedians(OverheadVariant.VTPCM).forEach((phase, median) -> put(phases, phase, median));
        ObjectNode rf = root.putObject("vtpcm_resume_first_phase_median_ms");
        phaseMedians(OverheadVariant.VTPCM_RESUME_FIRST).forEach((phase, median) -> put(rf, phase, median));
        ObjectNode reboots = root.putObject("guest_reboots_after_crash");
        run.reboots().forEach(reboots::put);
        ObjectNode continuity = root.putObject("guest_tpm_continuity");
        run.continuity().forEach(continuity::put);
        ObjectNode figures = root.putObject("figures");
        figures.put("timeline", OverheadPlots.TIMELINE_PNG);
        figures.put("totals", OverheadPlots.TOTALS_PNG);
        var raw = root.putArray("samples");
        samples.forEach(s -> raw.add(json.valueToTree(OverheadSampleJson.of(s))));
        json.writeValue(file.toFile(), root);
    }

    /** A paired per-round comparison shown in the report. */
    record Comparison(String key, OverheadVariant measured, OverheadVariant baseline, boolean downtime, boolean ratio, String meaning) {
        static final List<Comparison> ALL = List.of(
                new Comparison("total_ratio_vtpcm_vs_no_tpm", OverheadVariant.VTPCM, OverheadVariant.NO_TPM, false, true,
                        "vtpcm total / no_tpm total"),
                new Comparison("total_ratio_vtpcm_vs_plain_vtpm", OverheadVariant.VTPCM, OverheadVariant.PLAIN_VTPM, false, true,
                        "vtpcm total / plain_vtpm total"),
                new Comparison("total_ratio_vtpcm_resume_first_vs_no_tpm", OverheadVariant.VTPCM_RESUME_FIRST, OverheadVariant.NO_TPM,
                        false, true, "vtpcm_resume_first total / no_tpm total"),
                new Comparison("total_ratio_plain_vtpm_vs_no_tpm", OverheadVariant.PLAIN_VTPM, OverheadVariant.NO_TPM, false, true,
                        "plain_vtpm total / no_tpm total"),
                new Comparison("total_delta_ms_vtpcm_vs_no_tpm", OverheadVariant.VTPCM, OverheadVariant.NO_TPM, false, false,
                        "vtpcm total - no_tpm total"),
                new Comparison("total_delta_ms_vtpcm_vs_plain_vtpm", OverheadVariant.VTPCM, OverheadVariant.PLAIN_VTPM, false, false,
                        "vtpcm total - plain_vtpm total"),
                new Comparison("downtime_delta_ms_vtpcm_vs_no_tpm", OverheadVariant.VTPCM, OverheadVariant.NO_TPM, true, false,
                        "vtpcm downtime - no_tpm downtime"),
                new Comparison("downtime_delta_ms_vtpcm_vs_plain_vtpm", OverheadVariant.VTPCM, OverheadVariant.PLAIN_VTPM, true, false,
                        "vtpcm downtime - plain_vtpm downtime"),
                new Comparison("downtime_delta_ms_vtpcm_resume_first_vs_no_tpm", OverheadVariant.VTPCM_RESUME_FIRST,
                        OverheadVariant.NO_TPM, true, false, "vtpcm_resume_first downtime - no_tpm downtime"),
                new Comparison("downtime_delta_ms_vtpcm_vs_vtpcm_resume_first", OverheadVariant.VTPCM,
                        OverheadVariant.VTPCM_RESUME_FIRST, true, false, "what verify-before-resume costs in downtime"),
                new Comparison("downtime_delta_ms_plain_vtpm_vs_no_tpm", OverheadVariant.PLAIN_VTPM, OverheadVariant.NO_TPM, true, false,
                        "plain_vtpm downtime - no_tpm downtime"));
    }

    // --- Markdown

    void writeMarkdown(Path file) throws IOException {
        Files.writeString(file, OverheadMarkdown.render(this, run));
    }
}
