package org.vtpcm.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.Set;
import org.vtpcm.engine.client.EngineClient;

/**
 * Follows Nova's newest migration record of an instance until Nova ends it: Nova marks it
 * {@code completed} only after its post-migration steps, which come after the engine's commit.
 */
final class NovaRecordWatch {
    private static final Set<String> ENDED = Set.of("completed", "error", "failed", "cancelled");
    private static final Duration LIMIT = Duration.ofSeconds(120);
    private static final Duration POLL = Duration.ofMillis(500);

    private NovaRecordWatch() {
    }

    static JsonNode awaitEnd(EngineClient client, String instance) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        JsonNode newest = JsonNodeFactory.instance.objectNode().put("status", "unknown");
        while (System.nanoTime() < deadline) {
            JsonNode migrations = client.novaMigrations(instance).path("migrations");
            if (migrations.size() > 0) {
                newest = migrations.get(0);
                if (ENDED.contains(newest.path("status").asText())) {
                    return newest;
                }
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return newest;
    }
}
