package org.vtpcm.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimelineRowTest {
    private static final String N1 = OverheadFixtures.N1;
    private static final String N2 = OverheadFixtures.N2;

    private static MigrationTimeline.LifecycleMark event(String node, String kind, double at) {
        return new MigrationTimeline.LifecycleMark(node, kind, "MIGRATED", at);
    }

    private static MigrationSample baseline(MigrationTimeline timeline, long total) {
        return new MigrationSample(1, OverheadVariant.NO_TPM, N1, N2, null, total, 100, 1800, 90, -1, -1, Map.of(), "", "", "", timeline);
    }

    @Test
    void anEngineRunIsOneBarPerPhaseFromItsStart() {
        List<MigrationTimeline.PhaseSpan> phases = List.of(new MigrationTimeline.PhaseSpan("REQUESTED", 2.5, 1L),
                new MigrationTimeline.PhaseSpan("TARGET_SELECTED", 3.5, 20L), new MigrationTimeline.PhaseSpan("VM_MIGRATING", 24, 2000L),
                new MigrationTimeline.PhaseSpan("COMMITTED", 2030, 0L), new MigrationTimeline.PhaseSpan("ROLLED_BACK", 2031, null));
        MigrationSample sample = new MigrationSample(1, OverheadVariant.VTPCM, N1, N2, null, 2028, 250, 1600, 160, 250, 40, Map.of(), "",
                "", "", new MigrationTimeline(2.5, null, phases, List.of(event(N1, "SUSPENDED", 1900), event(N2, "RESUMED", 2150))));

        TimelineRow row = TimelineRow.engine(sample, "vtpcm");

        assertEquals(List.of(new TimelineRow.Segment("REQUESTED", 2.5, 3.5), new TimelineRow.Segment("TARGET_SELECTED", 3.5, 23.5),
                new TimelineRow.Segment("VM_MIGRATING", 24, 2024)), row.segments());
        assertEquals(List.of(new TimelineRow.Mark(TimelineRow.SUSPENDED, 1900), new TimelineRow.Mark(TimelineRow.RESUMED, 2150)),
                row.marks());
        assertEquals(2150, row.endMs());
    }

    @Test
    void aBaselineIsItsCallCutAtThePauseAndTheResume() {
        MigrationTimeline timeline = new MigrationTimeline(null, 3000.0, List.of(), List.of(event(N2, "STARTED", 1200),
                event(N1, "SUSPENDED", 1800), event(N2, "RESUMED", 2000), event(N1, "STOPPED", 2990)));

        TimelineRow row = TimelineRow.libvirtCall(baseline(timeline, 2999), "no_tpm");

        assertEquals(List.of(new TimelineRow.Segment(TimelineRow.CALL_TO_SUSPENDED, 0, 1800),
                new TimelineRow.Segment(TimelineRow.SUSPENDED_TO_RESUMED, 1800, 2000),
                new TimelineRow.Segment(TimelineRow.RESUMED_TO_RETURNED, 2000, 3000)), row.segments());
        assertEquals(List.of(new TimelineRow.Mark(TimelineRow.SUSPENDED, 1800), new TimelineRow.Mark(TimelineRow.RESUMED, 2000)),
                row.marks());
    }

    @Test
    void theResumeCountsOnlyAtTheDestinationAfterThePause() {
        MigrationTimeline timeline = new MigrationTimeline(null, 3000.0, List.of(), List.of(event(N2, "RESUMED", 100),
                event(N1, "RESUMED", 1850), event(N1, "SUSPENDED", 1800), event(N2, "RESUMED", 2100)));

        TimelineRow row = TimelineRow.libvirtCall(baseline(timeline, 3000), "no_tpm");

        assertEquals(new TimelineRow.Segment(TimelineRow.SUSPENDED_TO_RESUMED, 1800, 2100), row.segments().get(1));
    }

    @Test
    void aResumeArrivingAfterTheCallReturnedEndsTheRowThere() {
        MigrationTimeline timeline = new MigrationTimeline(null, 2000.0, List.of(), List.of(event(N1, "SUSPENDED", 1800),
                event(N2, "RESUMED", 2010)));

        TimelineRow row = TimelineRow.libvirtCall(baseline(timeline, 2000), "no_tpm");

        assertEquals(new TimelineRow.Segment(TimelineRow.RESUMED_TO_RETURNED, 2010, 2010), row.segments().get(2));
    }

    @Test
    void aBaselineWithoutEventsIsOneBarOfItsTotal() {
        TimelineRow row = TimelineRow.libvirtCall(baseline(new MigrationTimeline(null, null, List.of(), List.of()), 2999), "no_tpm");

        assertEquals(List.of(new TimelineRow.Segment(TimelineRow.CALL, 0, 2999)), row.segments());
        assertEquals(List.of(), row.marks());
    }

    @Test
    void aSegmentCannotEndBeforeItStarts() {
        assertThrows(IllegalArgumentException.class, () -> new TimelineRow.Segment("x", 10, 9));
    }
}
