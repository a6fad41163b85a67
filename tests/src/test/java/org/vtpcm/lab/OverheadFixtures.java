package org.vtpcm.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Samples shaped like a real overhead run (medians of docs/benchmarks/overhead.md), for the figures' tests. */
final class OverheadFixtures {
    static final String N1 = "vtpcm-n1";
    static final String N2 = "vtpcm-n2";
    /** The engine's phases of a vtpcm run and their milliseconds, in the order they run. */
    static final Map<String, Long> PHASES = phases();

    private OverheadFixtures() {
    }

    private static Map<String, Long> phases() {
        Map<String, Long> phases = new LinkedHashMap<>();
        phases.put("REQUESTED", 1L);
        phases.put("TARGET_SELECTED", 22L);
        phases.put("DEST_ATTESTED", 22L);
        phases.put("DEST_PREPARED", 781L);
        phases.put("TPCM_STATE_SENT", 322L);
        phases.put("VM_MIGRATING", 2016L);
        phases.put("VERIFIED", 44L);
        phases.put("COMMITTED", 1396L);
        return phases;
    }

    /** A vtpcm run from n1 to n2 whose phases are {@link #PHASES} stretched by {@code stretch}, accepted 3 ms after the request. */
    static MigrationSample vtpcm(int round, double stretch) {
        double at = 3;
        List<MigrationTimeline.PhaseSpan> spans = new ArrayList<>();
        double suspended = 0;
        double resumed = 0;
        for (Map.Entry<String, Long> phase : PHASES.entrySet()) {
            long millis = Math.round(phase.getValue() * stretch);
            spans.add(new MigrationTimeline.PhaseSpan(phase.getKey(), at, millis));
            if (phase.getKey().equals("VM_MIGRATING")) {
                suspended = at + millis - 160;
            }
            if (phase.getKey().equals("VERIFIED")) {
                resumed = at + millis + 5;
            }
            at += millis;
        }
        long total = Math.round(at - 3);
        List<MigrationTimeline.LifecycleMark> events = List.of(new MigrationTimeline.LifecycleMark(N2, "STARTED", "MIGRATED", suspended - 600),
                new MigrationTimeline.LifecycleMark(N1, "SUSPENDED", "MIGRATED", suspended),
                new MigrationTimeline.LifecycleMark(N2, "RESUMED", "MIGRATED", resumed),
                new MigrationTimeline.LifecycleMark(N1, "STOPPED", "MIGRATED", resumed + 1400));
        Map<String, Long> phaseMillis = new LinkedHashMap<>();
        spans.forEach(span -> phaseMillis.put(span.phase(), span.millis()));
        return new MigrationSample(round, OverheadVariant.VTPCM, N1, N2, null, total, resumed - suspended, 1600, 161, 281, 45, phaseMillis,
                "events", "21..29", "", new MigrationTimeline(3.0, null, spans, events));
    }

    /** A no_tpm run from n1 to n2: the call returns after {@code total} ms, the guest paused from 60% of it for {@code downtime} ms. */
    static MigrationSample noTpm(int round, long total, double downtime) {
        double suspended = total * 0.6;
        List<MigrationTimeline.LifecycleMark> events = List.of(new MigrationTimeline.LifecycleMark(N1, "SUSPENDED", "MIGRATED", suspended),
                new MigrationTimeline.LifecycleMark(N2, "RESUMED", "MIGRATED", suspended + downtime),
                new MigrationTimeline.LifecycleMark(N1, "STOPPED", "MIGRATED", total - 5.0));
        return new MigrationSample(round, OverheadVariant.NO_TPM, N1, N2, null, total, downtime, 1800, 207, -1, -1, Map.of(), "events", "", "",
                new MigrationTimeline(null, total + 0.5, List.of(), events));
    }

    /** A plain_vtpm or vtpcm_resume_first run without a timeline (as an older overhead.json has them). */
    static MigrationSample untimed(int round, OverheadVariant variant, long total, double downtime) {
        return new MigrationSample(round, variant, N2, N1, null, total, downtime, 1800, 150, variant.throughEngine() ? 190 : -1,
                variant.throughEngine() ? 0 : -1, variant.throughEngine() ? PHASES : Map.of(), "events", "", "", MigrationTimeline.NONE);
    }

    /** A warm-up round and five counted rounds of every variant, one vtpcm migration failed. */
    static List<MigrationSample> run() {
        List<MigrationSample> samples = new ArrayList<>();
        for (int round = 0; round <= 5; round++) {
            samples.add(noTpm(round, 3000 + 40L * round, 200 + round));
            samples.add(untimed(round, OverheadVariant.PLAIN_VTPM, 3900 + 10L * round, 150));
            samples.add(round == 2 ? MigrationSample.failed(round, OverheadVariant.VTPCM, N1, N2, "engine: ROLLED_BACK")
                    : vtpcm(round, 1 + 0.02 * round));
            samples.add(untimed(round, OverheadVariant.VTPCM_RESUME_FIRST, 4600 + 5L * round, 190));
        }
        return samples;
    }

    static OverheadReport.Run info() {
        return new OverheadReport.Run("bin/bench overhead --rounds 5 --memory 128", "abc1234", "2026-12-01T10:00:00Z", 2, 128, true, 5, null,
                Map.of(), Map.of());
    }
}
