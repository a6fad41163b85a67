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
import org.vtpcm.protocol.store.SqliteDatabase;

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
                MigrationContext run = MigrationContext.opened(UUID.randomUUID(), new byte[32], UUID.randomUUID(),
                        new MigrationOptions("explicit", 1, false, true, true, 0), Optional.of("n2"),
                        new SourceVtpcm("n1", "vm", UUID.randomUUID(), 1, "deny")).withDestination(destination);
                SqliteDatabase database = SqliteDatabase.open(folder.resolve("engine.db"), EngineSchema.VERSION, EngineSchema.DDL);
                MigrationJournal journal = new MigrationJournal(database, new ObjectMapper(), Clock.systemUTC());
                assertTrue(new Rollback(nodes, journal, Clock.systemUTC(), Pacer.SLEEP).abortDestination(run), "MIGRATION_MISMATCH: not ours any more");
                assertEquals(List.of("POST /v1/migrations/" + run.id() + "/abort"), manager.migrationCalls());
                database.close();
            }
        }
    }
}
