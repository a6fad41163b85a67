package org.vtpcm.engine.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.vtpcm.engine.client.EngineClient;
import org.vtpcm.engine.client.EngineClientException;

/** Polls a migration until it ends, showing its progress line; answers the final view. */
final class MigrationWatch {
    /** A poll may fail this many times in a row (engine restarting, network blip) before we give up waiting. */
    static final int TOLERATED_FAILURES = 5;

    private final EngineClient client;
    private final Terminal terminal;

    MigrationWatch(EngineClient client, Terminal terminal) {
        this.client = requireNonNull(client, "client is null");
        this.terminal = requireNonNull(terminal, "terminal is null");
    }

    /** Whether the view is final: its {@code outcome} is set. */
    static boolean ended(JsonNode view) {
        return view.hasNonNull("outcome");
    }

    /** Whether a failed poll may be retried: no answer or a 5xx, not a 4xx. */
    static boolean transientFailure(EngineClientException failure) {
        return failure.status() == EngineClientException.NO_ANSWER && !EngineClientException.TLS_REJECTED.equals(failure.code())
                || failure.status() >= 500;
    }

    JsonNode await(JsonNode started) {
        String id = started.path("id").asText();
        long start = System.nanoTime();
        ProgressLine line = new ProgressLine(terminal.err(), terminal.interactive());
        JsonNode view = started;
        int failures = 0;
        try {
            line.update(view, Duration.ofNanos(System.nanoTime() - start));
            while (!ended(view)) {
                sleep(id);
                try {
                    view = client.migration(id);
                    failures = 0;
                } catch (EngineClientException e) {
                    if (!transientFailure(e) || ++failures >= TOLERATED_FAILURES) {
                        throw new EngineClientException(e.status(), e.code(), e.getMessage() + "; the migration goes on without us: "
                                + "vtpcm migrations show " + id, e);
                    }
                    continue;
                }
                line.update(view, Duration.ofNanos(System.nanoTime() - start));
            }
        } finally {
            line.finish();
        }
        return view;
    }

    private void sleep(String id) {
        try {
            Thread.sleep(terminal.pollInterval().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for migration " + id + " (it goes on: vtpcm migrations show "
                    + id + ")");
        }
    }
}
