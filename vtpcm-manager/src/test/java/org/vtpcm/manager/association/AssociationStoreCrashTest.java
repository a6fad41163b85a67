package org.vtpcm.manager.association;

import org.vtpcm.manager.store.NodeSchema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.protocol.store.SqliteDatabase;

/**
 * kill -9 of a process in the middle of association-list writes, ten times at random moments:
 * the database must open cleanly, pass SQLite's integrity check, and every row must agree with the
 * last entry of its transition history (a change and its history are one transaction).
 */
class AssociationStoreCrashTest {
    @TempDir
    Path folder;

    @Test
    void killNineAtAnyMomentLosesNothingCommitted() throws Exception {
        Path db = folder.resolve("node.db");
        Random random = new Random(42);
        long committedBefore = 0;
        for (int round = 0; round < 10; round++) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), CrashWriter.class.getName(), db.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                BufferedReader output = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                String line;
                int skipped = 0;
                while ((line = output.readLine()) != null && !line.equals("ready") && skipped++ < 100) {
                    // anything else the child prints (logging) is not the signal
                }
                assertEquals("ready", line, "child started");
                Thread.sleep(50 + random.nextInt(250));
            } finally {
                child.destroyForcibly(); // SIGKILL
                assertTrue(child.waitFor(10, TimeUnit.SECONDS));
            }

            try (SqliteDatabase database = NodeSchema.open(db)) {
                String integrity = database.inTransaction(c -> {
                    try (ResultSet result = c.createStatement().executeQuery("PRAGMA integrity_check")) {
                        return result.next() ? result.getString(1) : "none";
                    }
                });
                assertEquals("ok", integrity, "round " + round);
                long mismatched = database.inTransaction(c -> {
                    try (ResultSet result = c.createStatement().executeQuery("SELECT count(*) FROM vtpcm v WHERE v.state <> "
                            + "(SELECT t.to_state FROM vtpcm_transition t WHERE t.vtpcm_id = v.vtpcm_id ORDER BY t.id DESC LIMIT 1)")) {
                        return result.next() ? result.getLong(1) : -1L;
                    }
                });
                assertEquals(0, mismatched, "row and history agree after kill in round " + round);
                long rows = new AssociationStore(database, Clock.systemUTC()).list(true).size();
                assertTrue(rows >= committedBefore, "nothing committed was lost (" + rows + " < " + committedBefore + ")");
                committedBefore = rows;
            }
        }
        assertTrue(committedBefore > 0, "the child committed work before being killed");
    }
}
