package org.vtpcm.engine.protocol;

import java.time.Duration;

/** How the protocol waits between polls: sleeping in production, advancing a test clock in unit tests. */
@FunctionalInterface
public interface Pacer {
    Pacer SLEEP = duration -> {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting");
        }
    };

    /**
     * Waits {@code duration}.
     *
     * @throws IllegalStateException when interrupted (the engine is stopping; recovery finishes the migration)
     */
    void pause(Duration duration);
}
