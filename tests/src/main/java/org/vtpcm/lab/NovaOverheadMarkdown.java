package org.vtpcm.lab;

import static org.vtpcm.lab.BenchJson.ms;
import static org.vtpcm.lab.BenchJson.value;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The readable table of the Nova overhead benchmark (docs/benchmarks/nova-overhead.md). */
final class NovaOverheadMarkdown {
    private NovaOverheadMarkdown() {
    }

    static String render(NovaOverheadReport report) {
        NovaOverheadReport.Run run = report.run();
        List<String> out = new ArrayList<>();
        out.add("# Live migration through Nova with and without vtpcm (`bin/bench nova-overhead`)");
        out.add("");
        out.add(String.format(Locale.ROOT, "%s, commit `%s`, %d cores, %d counted pairs after one warm-up pair (vtpcm, plain, vtpcm,"
                + " plain, ...), per-migration timeout %d s, Nova's record polled every %d ms. Command: `%s`.", run.date(), run.commit(),
                run.cores(), report.pairs(), run.timeoutSeconds(), NovaLiveMigrations.POLL_MILLIS, run.command()));
        out.add("");
        out.add("Setup: the lab's OpenStack Zed profile with our compute driver on both computes; two servers of the lab image stay"
                + " up for the whole run, one per flavor, and each migration takes one to the other compute with the tenant's"
                + " `openstack server migrate --live-migration --host`. Flavors: " + String.join("; ", java.util.Arrays.stream(
                        NovaBenchFlavor.values()).map(f -> "`" + f.key() + "` (" + run.flavors().getOrDefault(f.key(), "unknown")
                        + ") = " + f.description()).toList()) + ".");
        if (run.stoppedEarly() != null) {
            out.add("");
            out.add("**Stopped early:** " + run.stoppedEarly());
        }
        out.add("");
        out.add("## Definitions");
        out.add("");
        NovaOverheadReport.DEFINITIONS.forEach((key, text) -> out.add("- **" + key + "**: " + text + "."));
        out.add("");
        out.add("## Figures (ms)");
        out.add("");
        out.add("| flavor | total median | p95 | min | max | cli median | accepted to completed median | downtime median | p95"
                + " | QEMU downtime median | runs | failures |");
        out.add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (NovaBenchFlavor flavor : NovaBenchFlavor.values()) {
            Distribution total = report.distribution(flavor, NovaOverheadReport::total);
            Distribution down = report.distribution(flavor, NovaOverheadReport::downtime);
            out.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d | %d |", flavor.key(),
                    ms(total.median()), ms(total.p95()), ms(total.min()), ms(total.max()),
                    ms(report.distribution(flavor, NovaOverheadReport::cli).median()),
                    ms(report.distribution(flavor, NovaOverheadReport::acceptedToCompleted).median()), ms(down.median()), ms(down.p95()),
                    ms(report.distribution(flavor, s -> s.qemuDowntimeMillis()).median()), total.runs(), report.failures(flavor).size()));
        }
        Distribution engineTotal = report.distribution(NovaBenchFlavor.VTPCM, s -> s.engineTotalMillis());
        out.add("");
        out.add(String.format(Locale.ROOT, "The engine's own figure for the vtpcm migrations: the protocol run inside Nova's migration"
                + " took %s ms (median of totalMs, min %s, max %s).", ms(engineTotal.median()), ms(engineTotal.min()),
                ms(engineTotal.max())));
        out.add("");
        out.add("Paired per-pair comparisons (over the pairs where both succeeded):");
        out.add("");
        out.add("| comparison | median | p95 | min | max | pairs |");
        out.add("|---|---:|---:|---:|---:|---:|");
        for (NovaOverheadReport.Comparison c : NovaOverheadReport.Comparison.ALL) {
            Distribution d = report.paired(c.value(), c.ratio());
            out.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %d |", c.meaning(), value(d.median(), c.ratio()),
                    value(d.p95(), c.ratio()), value(d.min(), c.ratio()), value(d.max(), c.ratio()), d.runs()));
        }
        out.add("");
        out.add("## Failures and guest checks");
        out.add("");
        boolean any = false;
        for (NovaBenchFlavor flavor : NovaBenchFlavor.values()) {
            for (NovaMigrationSample f : report.failures(flavor)) {
                any = true;
                out.add("- " + flavor.key() + ", pair " + f.round() + " " + f.from() + " -> " + f.to() + ": " + f.failure());
            }
        }
        if (!any) {
            out.add("- no migration failed in the counted pairs.");
        }
        for (NovaMigrationSample b : report.tpmCheckFailures()) {
            out.add("- vtpcm, " + (b.round() == 0 ? "warm-up" : "pair " + b.round()) + " " + b.from() + " -> " + b.to() + ": the"
                    + " migration succeeded but the guest's own TPM check failed right after it: " + b.tpmCheckFailures());
        }
        run.replacements().forEach((flavor, count) -> out.add("- the " + flavor + " server was replaced " + count + " time(s)."));
        out.add("- TPM continuity of the vtpcm guest (its own check): " + run.vtpcmContinuity());
        out.add("");
        out.add("Machine-readable: `nova-overhead.json` (same figures, plus every sample).");
        out.add("");
        return String.join("\n", out);
    }
}
