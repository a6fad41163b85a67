package org.vtpcm.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.vtpcm.engine.api.MigrationView;
import org.vtpcm.engine.journal.MigrationOptions;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.engine.journal.PhaseTiming;
import org.vtpcm.manager.libvirt.DomainLifecycleEvent.Kind;
import org.vtpcm.service.rest.ApiJson;

class MigrationTimelineTest {
    private static final Instant REQUEST = Instant.parse("2026-12-01T10:00:00.000100Z");

    private static MigrationView view() {
        Instant created = REQUEST.plusNanos(2_400_000);
        List<PhaseTiming> phases = List.of(new PhaseTiming(Phase.REQUESTED, created, 1L),
                new PhaseTiming(Phase.TARGET_SELECTED, created.plusMillis(1), 21L),
                new PhaseTiming(Phase.VM_MIGRATING, created.plusMillis(30), 2000L),
                new PhaseTiming(Phase.COMMITTED, created.plusMillis(2040), 1400L));
        return new MigrationView(UUID.randomUUID(), UUID.randomUUID(), "ovh-vtpcm-1", UUID.randomUUID(), "vtpcm-n1", "vtpcm-n2",
                Phase.COMMITTED, Phase.COMMITTED, null, created, created.plusMillis(3440), new MigrationOptions("least-loaded", 1, false,
                true, true, 0), null, phases, List.of(), null, null, 3L, 280L, 3440L, true, false);
    }

    @Test
    void theEnginesPhasesAreMillisecondsFromTheRequest() throws Exception {
        // as the bench gets it: the engine's JSON, read back into the engine's record
        JsonNode answer = ApiJson.mapper().valueToTree(view());
        MigrationView read = ApiJson.mapper().treeToValue(answer, MigrationView.class);
        long requestNanos = 1_000_000_000L;
        List<LifecycleDowntimeProbe.Arrival> arrivals = List.of(
                new LifecycleDowntimeProbe.Arrival("vtpcm-n1", "ovh-vtpcm-1", Kind.SUSPENDED, "MIGRATED", requestNanos + 1_900_250_000L),
                new LifecycleDowntimeProbe.Arrival("vtpcm-n2", "ovh-vtpcm-1", Kind.RESUMED, "MIGRATED", requestNanos + 2_150_000_000L));

        MigrationTimeline timeline = MigrationTimeline.ofEngine(read, REQUEST, requestNanos, arrivals);

        assertEquals(2.4, timeline.acceptedMs());
        assertEquals(List.of(new MigrationTimeline.PhaseSpan("REQUESTED", 2.4, 1L), new MigrationTimeline.PhaseSpan("TARGET_SELECTED", 3.4, 21L),
                new MigrationTimeline.PhaseSpan("VM_MIGRATING", 32.4, 2000L), new MigrationTimeline.PhaseSpan("COMMITTED", 2042.4, 1400L)),
                timeline.phases());
        assertEquals(List.of(new MigrationTimeline.LifecycleMark("vtpcm-n1", "SUSPENDED", "MIGRATED", 1900.25),
                new MigrationTimeline.LifecycleMark("vtpcm-n2", "RESUMED", "MIGRATED", 2150)), timeline.events());
        assertEquals(1900.25, timeline.suspendedAt("vtpcm-n1").orElseThrow());
        assertEquals(2150, timeline.resumedAt("vtpcm-n1", "vtpcm-n2").orElseThrow());
    }

    @Test
    void aBaselineKeepsWhenItsCallReturned() {
        MigrationTimeline timeline = MigrationTimeline.ofBaseline(5_000_000L, 3_005_500_000L, List.of());

        assertEquals(3000.5, timeline.callReturnedMs());
        assertEquals(null, timeline.acceptedMs());
    }

    @Test
    void itReadsBackFromItsJson() throws Exception {
        MigrationTimeline timeline = OverheadFixtures.vtpcm(1, 1).timeline();
        ObjectMapper json = new ObjectMapper();

        assertEquals(timeline, json.readValue(json.writeValueAsString(timeline), MigrationTimeline.class));
        assertEquals(List.of("accepted_ms", "call_returned_ms", "phases", "events"),
                iterate(json.valueToTree(timeline).fieldNames()));
    }

    private static List<String> iterate(java.util.Iterator<String> names) {
        List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
