package org.vtpcm.engine.protocol;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.vtpcm.protocol.time.ManualClock;

/** The protocol's time in unit tests: a manual clock that every pause advances, so timeouts pass in no real time. */
final class TestTime implements Pacer {
    final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    final List<Duration> pauses = new ArrayList<>();
    /** Run at every pause, after the clock moved: what happens in the world meanwhile. */
    Runnable meanwhile = () -> { };

    @Override
    public void pause(Duration duration) {
        pauses.add(duration);
        clock.advance(duration);
        meanwhile.run();
    }

    Duration paused() {
        return pauses.stream().reduce(Duration.ZERO, Duration::plus);
    }
}
