package org.vtpcm.lab;

import static org.vtpcm.lab.BenchJson.ms;
import static org.vtpcm.lab.BenchJson.value;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The readable table of the overhead benchmark (docs/benchmarks/overhead.md). */
final class OverheadMarkdown {
    static final String SETUP = "Setup: three guests from the same kernel and initramfs stay up for the whole run (no TPM; libvirt"
            + " swtpm; vTPCM), and every migration takes a guest to the other node. The two engine variants share the vTPCM guest,"
            + " so in a round `vtpcm` goes one way and `vtpcm_resume_first` back; the baselines alternate direction per round. The"
            + " no-TPM guest idles after boot (its init finds no TPM), the others run their TPM check loop. Live, peer-to-peer,"
            + " single stream, no bandwidth cap, the same TLS setting for all. A guest that dies after a migration (TCG flake) counts"
            + " as a failure and is booted again.";

    private OverheadMarkdown() {
    }

    static String render(OverheadReport report, OverheadReport.Run run) {
        List<String> out = new ArrayList<>();
        out.add("# Migration overhead of vtpcm (`bin/bench overhead`)");
        out.add("");
        out.add(String.format(Locale.ROOT, "%s, commit `%s`, %d cores, guest %d MiB (TCG, 1 vCPU), TLS %s, %d counted rounds after one"
                + " warm-up round (variants alternate A, B, C, D in every round). Command: `%s`.", run.date(), run.commit(), run.cores(),
                run.memoryMiB(), run.tls() ? "on" : "off", report.pairs(), run.command()));
        out.add("");
        out.add(SETUP);
        if (run.stoppedEarly() != null) {
            out.add("");
            out.add("**Stopped early:** " + run.stoppedEarly());
        }
        out.add("");
        out.add("## Definitions");
        out.add("");
        OverheadReport.DEFINITIONS.forEach((key, text) -> out.add("- **" + key + "**: " + text + "."));
        out.add("");
        out.add("Variants: " + String.join("; ", java.util.Arrays.stream(OverheadVariant.values())
                .map(v -> "`" + v.key() + "` = " + v.description()).toList()) + ".");
        out.add("");
        out.add("## Figures (ms)");
        out.add("");
        out.add(String.format(Locale.ROOT, "Headline (`overhead.json`): `pairs` %d; `total_ratio_vtpcm_vs_no_tpm` %s,"
                + " `total_ratio_vtpcm_vs_plain_vtpm` %s (median per-round ratios); `downtime_delta_ms_vtpcm_vs_no_tpm` %s ms (median"
                + " per-round difference).", report.pairs(),
                value(report.paired(OverheadVariant.VTPCM, OverheadVariant.NO_TPM, OverheadReport::total, true).median(), true),
                value(report.paired(OverheadVariant.VTPCM, OverheadVariant.PLAIN_VTPM, OverheadReport::total, true).median(), true),
                value(report.paired(OverheadVariant.VTPCM, OverheadVariant.NO_TPM, OverheadReport::downtime, false).median(), false)));
        out.add("");
        out.add("![Total migration time and downtime per variant](" + OverheadPlots.TOTALS_PNG + ")");
        out.add("");
        out.add("| variant | total median | p95 | min | max | downtime median | p95 | min | max | QEMU downtime median"
                + " | source stop median | runs | failures |");
        out.add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (OverheadVariant variant : OverheadVariant.values()) {
            Distribution total = report.distribution(variant, OverheadReport::total);
            Distribution down = report.distribution(variant, OverheadReport::downtime);
            Distribution qemu = report.distribution(variant, s -> s.qemuDowntimeMillis());
            Distribution stop = report.distribution(variant, OverheadReport::sourceStop);
            out.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d | %d |", variant.key(),
                    ms(total.median()), ms(total.p95()), ms(total.min()), ms(total.max()), ms(down.median()), ms(down.p95()),
                    ms(down.min()), ms(down.max()), ms(qemu.median()), ms(stop.median()), total.runs(), report.failures(variant).size()));
        }
        out.add("");
        out.add("Paired per-round comparisons (median over rounds where both succeeded):");
        out.add("");
        out.add("| comparison | median | p95 | min | max | pairs |");
        out.add("|---|---:|---:|---:|---:|---:|");
        for (OverheadReport.Comparison c : OverheadReport.Comparison.ALL) {
            Distribution d = report.paired(c.measured(), c.baseline(), c.downtime() ? OverheadReport::downtime : OverheadReport::total,
                    c.ratio());
            out.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %d |", c.meaning(), value(d.median(), c.ratio()),
                    value(d.p95(), c.ratio()), value(d.min(), c.ratio()), value(d.max(), c.ratio()), d.runs()));
        }
        out.add("");
        out.add("## vtpcm phases (median ms)");
        out.add("");
        OverheadPlots.TimelinePick timeline = OverheadPlots.timelineRows(report.samples());
        if (!timeline.rows().isEmpty()) {
            out.add("One median `vtpcm` run (its total is the median) drawn phase by phase from the request, next to the median `no_tpm`"
                    + " run (migrate call -> source SUSPENDED -> destination RESUMED -> call returned), both with the guest's pause and"
                    + " resume marked (drawn from the samples' `timeline` in `overhead.json`):");
            out.add("");
            out.add("![Timeline of a median vtpcm migration next to a median no-TPM migration](" + OverheadPlots.TIMELINE_PNG + ")");
        } else {
            out.add("No timeline figure: " + timeline.note() + ".");
        }
        out.add("");
        Map<String, Double> vbr = report.phaseMedians(OverheadVariant.VTPCM);
        Map<String, Double> rf = report.phaseMedians(OverheadVariant.VTPCM_RESUME_FIRST);
        out.add("| phase | vtpcm | vtpcm_resume_first |");
        out.add("|---|---:|---:|");
        vbr.forEach((phase, median) -> out.add("| " + phase + " | " + ms(median) + " | " + ms(rf.getOrDefault(phase, Double.NaN)) + " |"));
        Distribution pause = report.distribution(OverheadVariant.VTPCM, s -> s.verificationPauseMillis());
        Distribution engineDown = report.distribution(OverheadVariant.VTPCM, s -> s.engineDowntimeMillis());
        out.add("");
        Distribution missed = report.engineUnderCount(OverheadVariant.VTPCM);
        out.add(String.format(Locale.ROOT, "The engine's own figures for `vtpcm`: downtimeMs median %s ms (QEMU's + verification pause),"
                + " verification pause median %s ms; the downtime the life-cycle events show exceeds the engine's downtimeMs by %s ms"
                + " (median, min %s, max %s).", ms(engineDown.median()), ms(pause.median()), ms(missed.median()), ms(missed.min()),
                ms(missed.max())));
        out.add("");
        out.add("## What dominates");
        out.add("");
        out.addAll(dominance(report, vbr));
        out.add("");
        out.add("## Failures and guest checks");
        out.add("");
        boolean any = false;
        for (OverheadVariant variant : OverheadVariant.values()) {
            for (MigrationSample f : report.failures(variant)) {
                any = true;
                out.add("- " + variant.key() + ", round " + f.round() + " " + f.from() + " -> " + f.to() + ": " + f.failure());
            }
        }
        if (!any) {
            out.add("- no migration failed in the counted rounds.");
        }
        for (OverheadVariant variant : OverheadVariant.values()) {
            for (MigrationSample b : report.tpmCheckFailures(variant)) {
                out.add("- " + variant.key() + ", " + (b.round() == 0 ? "warm-up" : "round " + b.round()) + " " + b.from() + " -> " + b.to()
                        + ": the migration succeeded but the guest's own TPM check failed right after it: " + b.tpmCheckFailures());
            }
        }
        run.reboots().forEach((guest, count) -> out.add("- guest " + guest + " was found dead and booted again " + count + " time(s)."));
        run.continuity().forEach((guest, verdict) -> out.add("- TPM continuity of the " + guest + " guest (its own check): " + verdict));
        out.add("");
        out.add("Machine-readable: `overhead.json` (same figures, plus every sample with its timeline). The figures are drawn from it"
                + " by `bin/bench overhead-plots` (class `OverheadPlots`); a run without timelines gets no timeline figure.");
        out.add("");
        return String.join("\n", out);
    }

    /** Three to five lines, computed from the figures, on where the difference comes from. */
    private static List<String> dominance(OverheadReport report, Map<String, Double> phases) {
        List<String> lines = new ArrayList<>();
        double noTpm = report.distribution(OverheadVariant.NO_TPM, OverheadReport::total).median();
        double plain = report.distribution(OverheadVariant.PLAIN_VTPM, OverheadReport::total).median();
        double vtpcm = report.distribution(OverheadVariant.VTPCM, OverheadReport::total).median();
        double delta = report.paired(OverheadVariant.VTPCM, OverheadVariant.NO_TPM, OverheadReport::total, false).median();
        double ratio = report.paired(OverheadVariant.VTPCM, OverheadVariant.NO_TPM, OverheadReport::total, true).median();
        double vmMigrating = phases.getOrDefault("VM_MIGRATING", Double.NaN);
        lines.add(String.format(Locale.ROOT, "- Total: vtpcm takes %sx the no-TPM migration (median per-round ratio), %s ms more."
                + " Its VM_MIGRATING phase (libvirt's migration driven by the source manager) is %s ms, against %s ms for no_tpm and"
                + " %s ms for plain_vtpm, so the remaining %s ms are the protocol around it.", value(ratio, true), ms(delta),
                ms(vmMigrating), ms(noTpm), ms(plain), ms(vtpcm - vmMigrating)));
        List<Map.Entry<String, Double>> others = phases.entrySet().stream().filter(e -> !e.getKey().equals("VM_MIGRATING"))
                .sorted(Comparator.comparingDouble((Map.Entry<String, Double> e) -> e.getValue()).reversed()).limit(3).toList();
        lines.add("- Largest other phases (median): " + String.join(", ", others.stream().map(e -> e.getKey() + " " + ms(e.getValue())
                + " ms").toList()) + ".");
        double downDelta = report.paired(OverheadVariant.VTPCM, OverheadVariant.NO_TPM, OverheadReport::downtime, false).median();
        double vbrCost = report.paired(OverheadVariant.VTPCM, OverheadVariant.VTPCM_RESUME_FIRST, OverheadReport::downtime, false).median();
        double rfDelta = report.paired(OverheadVariant.VTPCM_RESUME_FIRST, OverheadVariant.NO_TPM, OverheadReport::downtime, false)
                .median();
        double sourceStop = report.distribution(OverheadVariant.VTPCM, OverheadReport::sourceStop).median();
        double qemu = report.distribution(OverheadVariant.VTPCM, s -> s.qemuDowntimeMillis()).median();
        double pause = report.distribution(OverheadVariant.VTPCM, s -> s.verificationPauseMillis()).median();
        lines.add(String.format(Locale.ROOT, "- Downtime: vtpcm pauses the guest %s ms longer than no_tpm (median per-round difference),"
                + " and %s ms of that is verify-before-resume (vtpcm minus vtpcm_resume_first; resuming first leaves %s ms over no_tpm).",
                ms(downDelta), ms(vbrCost), ms(rfDelta)));
        lines.add(String.format(Locale.ROOT, "- Verify-before-resume keeps the destination paused from the switchover (the source"
                + " libvirtd's Confirm phase) until the digests match: %s ms (median), next to QEMU's own downtime of %s ms. The source's"
                + " libvirtd then needs %s ms from its SUSPENDED to its STOPPED event to stop QEMU; the engine does not wait for that:"
                + " COMMITTED (%s ms) erases the source's vTPCM at once, and libvirt undefines the source's domain itself when it is"
                + " done. The baselines' totals include that stop (libvirt's call returns after it); the vtpcm totals end at COMMITTED.",
                ms(pause), ms(qemu), ms(sourceStop), ms(phases.getOrDefault("COMMITTED", Double.NaN))));
        double plainTotal = report.paired(OverheadVariant.PLAIN_VTPM, OverheadVariant.NO_TPM, OverheadReport::total, true).median();
        double plainDown = report.paired(OverheadVariant.PLAIN_VTPM, OverheadVariant.NO_TPM, OverheadReport::downtime, false).median();
        lines.add(String.format(Locale.ROOT, "- A libvirt-managed swtpm alone (plain_vtpm) costs %sx no_tpm in total and %s ms of"
                + " downtime: the TPM state rides in QEMU's stream, with no attestation, no state check and no commit.",
                value(plainTotal, true), ms(plainDown)));
        return lines;
    }
}
