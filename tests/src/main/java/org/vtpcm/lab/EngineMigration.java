package org.vtpcm.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.vtpcm.engine.client.EngineClient;

/** Starts a migration through the engine's API and waits for its end. */
public final class EngineMigration {
    private EngineMigration() {
    }

    /** Starts one; {@code body} fields as in docs/engine-api.md. */
    public static JsonNode start(EngineClient engine, ObjectNode body) {
        return engine.send("POST", "/v1/migrations", body);
    }

    /** Polls until the migration has an outcome. */
    public static JsonNode await(EngineClient engine, String id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode view = engine.migration(id);
            if (!view.path("outcome").isNull() && !view.path("outcome").isMissingNode()) {
                return view;
            }
            if (System.nanoTime() > deadline) {
                throw new LabNotReadyException("migration " + id + " did not end within " + timeout.toSeconds() + " s; last phase "
                        + view.path("phase").asText());
            }
            Thread.sleep(50);
        }
    }

    /** Polls until the migration has reached the phase (or ended). */
    public static JsonNode awaitPhase(EngineClient engine, String id, String phase, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode view = engine.migration(id);
            if (phase.equals(view.path("phase").asText()) || !view.path("outcome").isNull()) {
                return view;
            }
            if (System.nanoTime() > deadline) {
                throw new LabNotReadyException("migration " + id + " did not reach " + phase + " within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }
}
