package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.vtpcm.engine.api.MigrationView;
import org.vtpcm.engine.journal.PhaseTiming;

/**
 * When things happened during one migration, in milliseconds on one axis whose 0 is the bench
 * sending the request (the engine's POST, or libvirt's migrate call for a baseline). Kept per sample
 * in overhead.json so the timeline figure can be drawn again from the JSON alone.
 *
 * @param acceptedMs when the engine recorded the request (its createdAt); null for the baselines
 * @param callReturnedMs when libvirt's migrate call returned; null for the engine variants
 * @param phases the engine's protocol phases in the order they began; empty for the baselines
 * @param events the domain's life-cycle events as they reached the bench, oldest first
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record MigrationTimeline(Double acceptedMs, Double callReturnedMs, List<PhaseSpan> phases, List<LifecycleMark> events) {
    static final MigrationTimeline NONE = new MigrationTimeline(null, null, List.of(), List.of());

    /**
     * One protocol phase.
     *
     * @param phase the engine's phase name
     * @param startMs when it began (the journal's begin)
     * @param millis how long it took (the engine's phases[].millis); null if the engine gave none
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record PhaseSpan(String phase, double startMs, Long millis) {
        PhaseSpan {
            requireNonNull(phase, "phase is null");
        }
    }

    /**
     * One life-cycle event.
     *
     * @param node the node whose libvirtd sent it
     * @param kind SUSPENDED, RESUMED, STARTED, STOPPED, ...
     * @param detail libvirt's detail (MIGRATED, ...)
     * @param atMs when it reached the bench
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record LifecycleMark(String node, String kind, String detail, double atMs) {
        LifecycleMark {
            requireNonNull(node, "node is null");
            requireNonNull(kind, "kind is null");
            detail = detail == null ? "" : detail;
        }
    }

    MigrationTimeline {
        phases = phases == null ? List.of() : List.copyOf(phases);
        events = events == null ? List.of() : List.copyOf(events);
    }

    /**
     * The timeline of a migration through the engine. The journal's times are the engine's wall
     * clock; the engine runs on the same host as the bench, so they are placed on the bench's axis
     * by the bench's wall clock at the request.
     */
    static MigrationTimeline ofEngine(MigrationView view, Instant requestWallClock, long requestNanos,
            List<LifecycleDowntimeProbe.Arrival> arrivals) {
        List<PhaseSpan> phases = new ArrayList<>();
        for (PhaseTiming timing : view.phases()) {
            phases.add(new PhaseSpan(timing.phase().name(), millisBetween(requestWallClock, timing.at()), timing.millis()));
        }
        return new MigrationTimeline(millisBetween(requestWallClock, view.createdAt()), null, phases, marks(arrivals, requestNanos));
    }

    /** The timeline of a baseline: libvirt's migrate call from 0 to {@code callReturnedNanos}. */
    static MigrationTimeline ofBaseline(long requestNanos, long callReturnedNanos, List<LifecycleDowntimeProbe.Arrival> arrivals) {
        return new MigrationTimeline(null, rounded((callReturnedNanos - requestNanos) / 1e6), List.of(), marks(arrivals, requestNanos));
    }

    private static List<LifecycleMark> marks(List<LifecycleDowntimeProbe.Arrival> arrivals, long requestNanos) {
        return arrivals.stream().map(a -> new LifecycleMark(a.node(), a.kind().name(), a.detail(), rounded((a.nanos() - requestNanos) / 1e6)))
                .toList();
    }

    private static double millisBetween(Instant from, Instant to) {
        return rounded(Duration.between(from, to).toNanos() / 1e6);
    }

    private static double rounded(double millis) {
        return Math.round(millis * 1000) / 1000.0;
    }

    /** The first SUSPENDED event of the source. */
    OptionalDouble suspendedAt(String source) {
        return events.stream().filter(e -> e.node().equals(source) && e.kind().equals("SUSPENDED")).mapToDouble(LifecycleMark::atMs)
                .findFirst();
    }

    /** The first RESUMED event of the destination at or after the source's SUSPENDED (as the downtime is measured). */
    OptionalDouble resumedAt(String source, String destination) {
        OptionalDouble suspended = suspendedAt(source);
        if (suspended.isEmpty()) {
            return OptionalDouble.empty();
        }
        return events.stream().filter(e -> e.node().equals(destination) && e.kind().equals("RESUMED")
                && e.atMs() >= suspended.getAsDouble()).mapToDouble(LifecycleMark::atMs).findFirst();
    }

    /** Whether nothing was recorded (older overhead.json files carry no timelines). */
    boolean recordsNothing() {
        return phases.isEmpty() && events.isEmpty() && callReturnedMs == null;
    }
}
