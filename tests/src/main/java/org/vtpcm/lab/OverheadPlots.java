package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Draws the overhead benchmark's figures from its overhead.json alone: overhead-timeline.png (the
 * median vtpcm run's protocol phases next to the median no_tpm run, with the guest's pause and
 * resume marked on both) and overhead-totals.png (total time and downtime per variant). OverheadBench
 * calls it after writing the JSON. Usage: OverheadPlots [--json FILE] [--out DIR] (without --json,
 * DIR/overhead.json; without --out, the JSON's folder; without either, docs/benchmarks). An overhead.json written before the bench
 * kept per-run timelines gives the totals figure only. Exit status: 0 done, 1 failed, 2 bad arguments.
 */
public final class OverheadPlots {
    static final String TIMELINE_PNG = "overhead-timeline.png";
    static final String TOTALS_PNG = "overhead-totals.png";
    static final int WIDTH = 1400;
    static final int TIMELINE_HEIGHT = 480;
    static final int TOTALS_HEIGHT = 820;

    /**
     * The rows of the timeline figure, or why there is none.
     *
     * @param rows the rows, vtpcm first; empty when skipped
     * @param note why the figure is skipped or drawn incomplete; null when complete
     */
    record TimelinePick(List<TimelineRow> rows, String note) {
        TimelinePick {
            rows = List.copyOf(rows);
        }
    }

    private OverheadPlots() {
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        Path json = null;
        Path out = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--json" -> json = Path.of(value(args, ++i));
                    case "--out" -> out = Path.of(value(args, ++i));
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + " (options: --json FILE, --out DIR)");
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("overhead plots: error: " + e.getMessage());
            System.exit(2);
        }
        try {
            Path folder = out != null ? out : json != null ? json.toAbsolutePath().getParent() : Path.of("docs/benchmarks");
            write(json != null ? json : folder.resolve("overhead.json"), folder).forEach(line -> System.out.println("overhead plots: " + line));
        } catch (IOException | RuntimeException e) {
            System.err.println("overhead plots: failed: " + e);
            System.exit(1);
        }
    }

    private static String value(String[] args, int index) {
        if (index >= args.length) {
            throw new IllegalArgumentException(args[index - 1] + " needs a value");
        }
        return args[index];
    }

    /** Writes the figures into {@code out}; answers one line per figure (written, or skipped and why). */
    static List<String> write(Path json, Path out) throws IOException {
        OverheadFile file = OverheadFile.read(json);
        List<MigrationSample> samples = file.migrationSamples();
        Files.createDirectories(out);
        List<String> lines = new ArrayList<>();
        String run = String.format(Locale.ROOT, "%s, commit %s, %d pairs, guest %d MiB", file.date(), file.commit(), file.pairs(),
                file.memoryMib());
        TimelinePick pick = timelineRows(samples);
        if (pick.rows().isEmpty()) {
            Files.deleteIfExists(out.resolve(TIMELINE_PNG)); // a figure from an older run must not pass for this one
            lines.add("timeline skipped: " + pick.note());
        } else {
            ChartStyle.writePng(TimelineChart.create("One median migration: vtpcm (verify-before-resume) next to no TPM",
                    run + ". Bars: the engine's protocol phases (vtpcm) and libvirt's migrate call (no_tpm); black lines: the source's"
                            + " SUSPENDED and the destination's RESUMED life-cycle events.", pick.rows()),
                    out.resolve(TIMELINE_PNG), WIDTH, TIMELINE_HEIGHT);
            lines.add("wrote " + out.resolve(TIMELINE_PNG) + (pick.note() == null ? "" : " (" + pick.note() + ")"));
        }
        ChartStyle.writePng(TotalsChart.create("Total migration time and downtime per variant", run
                + ". Downtime: source SUSPENDED to destination RESUMED (life-cycle events). Boxes: quartiles and median, whiskers 1.5 IQR;"
                + " dots: each counted run.", samples), out.resolve(TOTALS_PNG), WIDTH,
                TOTALS_HEIGHT);
        lines.add("wrote " + out.resolve(TOTALS_PNG));
        return lines;
    }

    /** The median vtpcm run as phases, over the median no_tpm run as its libvirt call, when their timelines were recorded. */
    static TimelinePick timelineRows(List<MigrationSample> samples) {
        requireNonNull(samples, "samples is null");
        Optional<MigrationSample> vtpcm = MedianRun.of(samples, OverheadVariant.VTPCM);
        if (vtpcm.isEmpty()) {
            return new TimelinePick(List.of(), "no successful counted vtpcm run");
        }
        if (vtpcm.get().timeline().phases().isEmpty()) {
            return new TimelinePick(List.of(), "the median vtpcm run (round " + vtpcm.get().round() + ") has no per-run phase timeline;"
                    + " overhead.json predates it: run bin/bench overhead again to get the timeline figure");
        }
        List<TimelineRow> rows = new ArrayList<>();
        rows.add(TimelineRow.engine(vtpcm.get(), label(vtpcm.get())));
        Optional<MigrationSample> noTpm = MedianRun.of(samples, OverheadVariant.NO_TPM);
        if (noTpm.isEmpty() || noTpm.get().timeline().recordsNothing()) {
            return new TimelinePick(rows, "no no_tpm run with a timeline to draw next to it");
        }
        rows.add(TimelineRow.libvirtCall(noTpm.get(), label(noTpm.get())));
        return new TimelinePick(rows, null);
    }

    private static String label(MigrationSample sample) {
        return String.format(Locale.ROOT, "%s, round %d (total %d ms)", sample.variant().key(), sample.round(), sample.totalMillis());
    }
}
