package org.vtpcm.engine.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * Where the CLI writes and how it waits: results on {@code out}, progress and errors on
 * {@code err}; {@code interactive} when a person watches a terminal (the progress line is redrawn
 * in place); {@code pollInterval} between two reads of a migration being waited for.
 */
public record Terminal(PrintWriter out, PrintWriter err, boolean interactive, Duration pollInterval) {
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(200);

    public Terminal {
        requireNonNull(out, "out is null");
        requireNonNull(err, "err is null");
        requireNonNull(pollInterval, "pollInterval is null");
    }

    /** The process's console: interactive when the JVM has one and TERM is not {@code dumb}. */
    public static Terminal system() {
        boolean interactive = System.console() != null && !"dumb".equals(System.getenv("TERM"));
        return new Terminal(new PrintWriter(System.out, true), new PrintWriter(System.err, true), interactive, DEFAULT_POLL_INTERVAL);
    }
}
