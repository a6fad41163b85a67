package org.vtpcm.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.engine.hosts.NodeClients;
import org.vtpcm.engine.hosts.SlowManager;
import org.vtpcm.engine.journal.EngineSchema;
import org.vtpcm.engine.journal.MigrationJournal;
import org.vtpcm.engine.journal.MigrationOptions;
import org.vtpcm.manager.store.NodeDatabase;

/** The late clean-up names the migration it cleans, and a destination now busy with a later migration counts as clean. */
class RollbackCleanupTest {
    @TempDir
    Path folder;

    @Test
    void aLateCleanupNamesItsMigrationAndStopsAtAMismatch() throws Exception {
        try (SlowManager manager = new SlowManager(folder)) {
            HostConfig destination = new HostConfig("n2", manager.uri(), "qemu+tcp://127.0.0.1/system", 2, 64);
            try (NodeClients nodes = new NodeClients(List.of(destination), manager.engineTls(), Duration.ofSeconds(5),
                    Duration.ofSeconds(5))) {
                MigrationRun run = new MigrationRun(UUID.randomUUID(), new byte[32], UUID.randomUUID(),
                        new MigrationOptions("explicit", 1, false, true, true, 0), Optional.of("n2"));
                run.destination = destination;
                NodeDatabase database = NodeDatabase.open(folder.resolve("engine.db"), EngineSchema.VERSION, EngineSchema.DDL);
                MigrationJournal journal = new MigrationJournal(database, new ObjectMapper(), Clock.systemUTC());
                assertTrue(new Rollback(new Nodes(nodes), journal).abortDestination(run), "MIGRATION_MISMATCH: not ours any more");
                assertEquals(List.of("POST /v1/migrations/" + run.id() + "/abort"), manager.migrationCalls());
                database.close();
            }
        }
    }
}
