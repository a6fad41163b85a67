package org.vtpcm.engine.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * The live progress of a migration on stderr. On a terminal one line redrawn in place with
 * {@code \r}; otherwise (a log, a pipe) one line per phase change, plus one every few seconds
 * while bytes move, so logs stay readable and still show the transfer.
 */
final class ProgressLine {
    /** The longest phase names ({@code TARGET_SELECTED}, {@code TPCM_STATE_SENT}) keep the columns still. */
    private static final int PHASE_WIDTH = 15;
    /** Off a terminal: how often a moving transfer gets a line of its own. */
    static final Duration LOG_EVERY = Duration.ofSeconds(2);

    /** What the engine reports during {@code VM_MIGRATING}; {@code etaSeconds} is null when unknown. */
    record Progress(long dataTotal, long dataProcessed, long bytesPerSecond, Long etaSeconds) {
        /** The view's {@code progress}, or null when it has none. */
        static Progress of(JsonNode view) {
            JsonNode progress = view.path("progress");
            if (!progress.isObject()) {
                return null;
            }
            JsonNode eta = progress.path("etaSeconds");
            return new Progress(progress.path("dataTotal").asLong(0), progress.path("dataProcessed").asLong(0),
                    progress.path("bytesPerSecond").asLong(0), eta.isNumber() && eta.asLong() >= 0 ? eta.asLong() : null);
        }
    }

    private final PrintWriter err;
    private final boolean interactive;
    private String lastPhase;
    private int lastWidth;
    private Duration lastLogged = Duration.ZERO;

    ProgressLine(PrintWriter err, boolean interactive) {
        this.err = requireNonNull(err, "err is null");
        this.interactive = interactive;
    }

    /** Shows the state of {@code view}, {@code elapsed} after the operator started waiting. */
    void update(JsonNode view, Duration elapsed) {
        String phase = view.path("phase").asText("?");
        String text = format(phase, Progress.of(view), elapsed);
        if (interactive) {
            // pad with blanks over what remains of a longer previous line
            err.print("\r" + text + " ".repeat(Math.max(0, lastWidth - text.length())));
            lastWidth = text.length();
            err.flush();
        } else if (!phase.equals(lastPhase) || Progress.of(view) != null && elapsed.minus(lastLogged).compareTo(LOG_EVERY) >= 0) {
            err.println(text);
            err.flush();
            lastLogged = elapsed;
        }
        lastPhase = phase;
    }

    /** Ends the redrawn line, so what follows starts on a line of its own. */
    void finish() {
        if (interactive && lastWidth > 0) {
            err.println();
            err.flush();
            lastWidth = 0;
        }
    }

    /**
     * {@code VM_MIGRATING     95.4 MiB / 256.0 MiB (37%)  85.8 MiB/s  ETA 2s  elapsed 3.5s}, or
     * {@code DEST_ATTESTED    elapsed 0.4s} when there is no progress to show.
     */
    static String format(String phase, Progress progress, Duration elapsed) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-" + PHASE_WIDTH + "s", phase));
        if (progress != null && progress.dataTotal() > 0) {
            line.append("  ").append(describe(progress));
        }
        return line.append("  elapsed ").append(Formats.duration(elapsed)).toString();
    }

    /** {@code 95.4 MiB / 256.0 MiB (37%)  85.8 MiB/s  ETA 2s}. */
    static String describe(Progress progress) {
        long percent = progress.dataTotal() <= 0 ? 0 : Math.min(100, progress.dataProcessed() * 100 / progress.dataTotal());
        return Formats.bytes(progress.dataProcessed()) + " / " + Formats.bytes(progress.dataTotal()) + " (" + percent + "%)  "
                + Formats.bytes(progress.bytesPerSecond()) + "/s  ETA "
                + (progress.etaSeconds() == null ? "?" : Formats.seconds(progress.etaSeconds()));
    }
}
