package org.vtpcm.engine.journal;

import java.time.Instant;

/** When a phase began and how long it took (null while it runs). */
public record PhaseTiming(Phase phase, Instant at, Long millis) {
}
