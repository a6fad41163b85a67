package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * One row of the timeline figure: one migration as bars on the milliseconds-from-the-request axis,
 * with the guest's pause and resume marked.
 *
 * @param label what the row shows
 * @param segments the bars, in time order
 * @param marks the life-cycle moments drawn across the row
 */
record TimelineRow(String label, List<Segment> segments, List<Mark> marks) {
    /** The bar names of a baseline (libvirt's migrate call cut by the guest's pause and resume). */
    static final String CALL_TO_SUSPENDED = "call -> source SUSPENDED";
    static final String SUSPENDED_TO_RESUMED = "source SUSPENDED -> destination RESUMED";
    static final String RESUMED_TO_RETURNED = "destination RESUMED -> call returned";
    static final String CALL = "migrate call (no life-cycle events)";
    static final String SUSPENDED = "suspended";
    static final String RESUMED = "resumed";

    /** A bar from {@code startMs} to {@code endMs}, named by what happens in it. */
    record Segment(String name, double startMs, double endMs) {
        Segment {
            requireNonNull(name, "name is null");
            if (endMs < startMs) {
                throw new IllegalArgumentException(name + " ends (" + endMs + ") before it starts (" + startMs + ")");
            }
        }
    }

    /** A moment drawn across the row. */
    record Mark(String name, double atMs) {
        Mark {
            requireNonNull(name, "name is null");
        }
    }

    TimelineRow {
        requireNonNull(label, "label is null");
        segments = List.copyOf(segments);
        marks = List.copyOf(marks);
    }

    /** A migration through the engine: one bar per protocol phase that has a duration. */
    static TimelineRow engine(MigrationSample sample, String label) {
        List<Segment> segments = new ArrayList<>();
        for (MigrationTimeline.PhaseSpan phase : sample.timeline().phases()) {
            if (phase.millis() != null && phase.millis() > 0) {
                segments.add(new Segment(phase.phase(), phase.startMs(), phase.startMs() + phase.millis()));
            }
        }
        return new TimelineRow(label, segments, marks(sample));
    }

    /**
     * A baseline: libvirt's migrate call from 0 until it returned, cut at the source's SUSPENDED and
     * the destination's RESUMED events; one bar when the events are missing.
     */
    static TimelineRow libvirtCall(MigrationSample sample, String label) {
        MigrationTimeline timeline = sample.timeline();
        double returned = timeline.callReturnedMs() != null ? timeline.callReturnedMs() : sample.totalMillis();
        OptionalDouble suspended = timeline.suspendedAt(sample.from());
        OptionalDouble resumed = timeline.resumedAt(sample.from(), sample.to());
        List<Segment> segments = new ArrayList<>();
        if (suspended.isPresent() && resumed.isPresent()) {
            // events arrive over their own connections, so the call may have returned before the last one arrived
            double end = Math.max(returned, resumed.getAsDouble());
            segments.add(new Segment(CALL_TO_SUSPENDED, 0, suspended.getAsDouble()));
            segments.add(new Segment(SUSPENDED_TO_RESUMED, suspended.getAsDouble(), resumed.getAsDouble()));
            segments.add(new Segment(RESUMED_TO_RETURNED, resumed.getAsDouble(), end));
        } else {
            segments.add(new Segment(CALL, 0, returned));
        }
        return new TimelineRow(label, segments, marks(sample));
    }

    private static List<Mark> marks(MigrationSample sample) {
        List<Mark> marks = new ArrayList<>();
        sample.timeline().suspendedAt(sample.from()).ifPresent(at -> marks.add(new Mark(SUSPENDED, at)));
        sample.timeline().resumedAt(sample.from(), sample.to()).ifPresent(at -> marks.add(new Mark(RESUMED, at)));
        return marks;
    }

    /** Where the row ends. */
    double endMs() {
        double end = segments.stream().mapToDouble(Segment::endMs).max().orElse(0);
        return Math.max(end, marks.stream().mapToDouble(Mark::atMs).max().orElse(0));
    }
}
