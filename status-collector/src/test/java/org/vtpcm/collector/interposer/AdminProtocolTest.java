package org.vtpcm.collector.interposer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.collector.swtpm.ControlCommand;
import org.vtpcm.collector.swtpm.FdSocket;
import org.vtpcm.collector.swtpm.QemuLikeClient;
import org.vtpcm.collector.swtpm.SwtpmProcessFixture;

/** The admin socket against bad, slow and hostile clients: a clear error each time, and the relay never held up. */
@Timeout(60)
class AdminProtocolTest {
    @TempDir
    Path folder;

    @Test
    void badInputGetsAClearErrorAndNeverKillsTheService() throws Exception {
        try (InterposerHarness node = new InterposerHarness(folder); RawAdmin admin = new RawAdmin(node.adminSocket)) {
            UUID id = UUID.randomUUID();
            Files.writeString(node.runDir.resolve("notes.txt"), "not a socket");
            String inside = node.runDir.resolve("x.ctrl").toString();
            assertError(admin.exchange("hello"), "not JSON");
            assertError(admin.exchange("{\"op\":\"explode\"}"), "unknown or missing op (one of serve, forget, report, channels, watch, ping)");
            assertError(admin.exchange("{}"), "unknown or missing op");
            assertError(admin.exchange("[1,2]"), "");
            assertError(admin.exchange("{\"op\":\"serve\"}"), "vtpcmId is missing");
            assertError(admin.exchange(serve(id, inside, null)), "engine is missing");
            assertError(admin.exchange("{\"op\":\"forget\",\"vtpcmId\":\"not-a-uuid\"}"), "bad request");
            assertError(admin.exchange("{\"op\":\"ping\",\"please\":true}"), "unknown field 'please'");
            assertError(admin.exchange(serve(id, "/etc/evil.ctrl", "/x/swtpm.ctrl")), "is outside the run dir");
            assertError(admin.exchange(serve(id, node.runDir + "/../escape.ctrl", "/x/swtpm.ctrl")), "absolute and normalized");
            assertError(admin.exchange(serve(id, "relative.ctrl", "/x/swtpm.ctrl")), "absolute and normalized");
            assertError(admin.exchange(serve(id, inside, "relative.ctrl")), "engine path must be absolute");
            assertError(admin.exchange(serve(id, node.adminSocket.toString(), "/x/swtpm.ctrl")), "is the admin socket");
            assertError(admin.exchange(serve(id, node.runDir.resolve("notes.txt").toString(), "/x/swtpm.ctrl")), "is not a socket");
            assertError(admin.exchange(serve(id, node.runDir.resolve("missing/x.ctrl").toString(), "/x/swtpm.ctrl")), "does not exist");
            Path outside = Files.createDirectories(folder.resolve("outside"));
            Files.createSymbolicLink(node.runDir.resolve("link"), outside);
            assertError(admin.exchange(serve(id, node.runDir.resolve("link/x.ctrl").toString(), "/x/swtpm.ctrl")), "through a link");
            assertEquals("not a socket", Files.readString(node.runDir.resolve("notes.txt")), "nothing refused was touched");
            assertFalse(Files.exists(outside.resolve("x.ctrl")));

            // the same connection goes on working, and so does the service
            InterposerAnswer pong = InterposerJson.answer(admin.exchange("{\"op\":\"ping\"}"));
            assertTrue(pong.ok());
            assertEquals(ProcessHandle.current().pid(), pong.pid());
            assertTrue(InterposerJson.answer(admin.exchange(serve(id, inside, "/x/swtpm.ctrl"))).ok());
            assertTrue(node.client.alive());
            assertEquals(1, node.client.channels().size());
        }
    }

    @Test
    void anOverlongLineIsRefusedAndItsConnectionClosed() throws Exception {
        try (InterposerHarness node = new InterposerHarness(folder); RawAdmin admin = new RawAdmin(node.adminSocket)) {
            admin.send("{\"op\":\"ping\",\"x\":\"" + "a".repeat(AdminConnection.MAX_LINE + 10));
            assertError(admin.readLine(), "request line longer than 65536 bytes");
            assertNull(admin.readLine(), "then the service closes the connection");
            assertTrue(node.client.alive());
        }
    }

    @Test
    void slowAndSilentAdminClientsNeverHoldUpTheRelay() throws Exception {
        try (InterposerHarness node = new InterposerHarness(folder)) {
            SwtpmProcessFixture engine = node.engine("engine");
            UUID vtpcm = UUID.randomUUID();
            node.client.serve(vtpcm, node.listenPath(vtpcm), engine.controlSocket);
            List<RawAdmin> stalled = new ArrayList<>();
            try (QemuLikeClient qemu = QemuLikeClient.connect(node.listenPath(vtpcm))) {
                for (int i = 0; i < 5; i++) {
                    RawAdmin slow = new RawAdmin(node.adminSocket);
                    slow.send("{\"op\":\"pi"); // and never the rest
                    stalled.add(slow);
                }
                // a watcher that never reads, flooded with events by intruders on the channel
                RawAdmin deaf = new RawAdmin(node.adminSocket);
                stalled.add(deaf);
                deaf.send("{\"op\":\"watch\"}\n");
                long start = System.nanoTime();
                for (int i = 0; i < 1500; i++) {
                    FdSocket.connect(node.listenPath(vtpcm)).close();
                }
                for (int i = 0; i < 50; i++) {
                    assertEquals(0, ByteBuffer.wrap(qemu.controlCommand(ControlCommand.GET_CONFIG, new byte[0], 8, -1)).getInt());
                }
                assertTrue(node.client.alive());
                long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(elapsed < 10_000, "the relay kept going: " + elapsed + " ms");

                // the deaf watcher was dropped once its backlog passed the bound: it reads what was sent, then the end
                int lines = 0;
                while (deaf.readLine() != null) {
                    lines++;
                }
                assertTrue(lines > 1 && lines < 1501, "the deaf watcher got " + lines + " lines before it was dropped");
                // the silent ones are closed after the idle timeout
                for (RawAdmin slow : stalled.subList(0, 5)) {
                    assertNull(slow.readLine(), "an idle client is closed");
                }
                assertTrue(node.client.report(vtpcm).orElseThrow().connected());
                assertEquals(0, ByteBuffer.wrap(qemu.controlCommand(ControlCommand.GET_CONFIG, new byte[0], 8, -1)).getInt());
            } finally {
                stalled.forEach(RawAdmin::close);
            }
        }
    }

    @Test
    void clientsBeyondTheBoundWaitTheirTurn() throws Exception {
        try (InterposerHarness node = new InterposerHarness(folder)) {
            List<RawAdmin> crowd = new ArrayList<>();
            try {
                for (int i = 0; i < AdminServer.MAX_CONNECTIONS + 4; i++) {
                    crowd.add(new RawAdmin(node.adminSocket)); // all connect: the kernel queues those not accepted yet
                }
                int served = AdminServer.MAX_CONNECTIONS - 1; // the harness's watcher holds one place
                for (RawAdmin admin : crowd.subList(0, served)) {
                    assertTrue(InterposerJson.answer(admin.exchange("{\"op\":\"ping\"}")).ok());
                }
                for (RawAdmin admin : crowd.subList(served, crowd.size())) {
                    admin.send("{\"op\":\"ping\"}\n"); // queued: answered once places free up
                }
                crowd.subList(0, served).forEach(RawAdmin::close);
                for (RawAdmin admin : crowd.subList(served, crowd.size())) {
                    assertTrue(InterposerJson.answer(admin.readLine()).ok());
                }
            } finally {
                crowd.forEach(RawAdmin::close);
            }
            assertTrue(node.client.alive());
        }
    }

    @Test
    void watchersAreBoundedSoTheyCannotHoldEveryPlace() throws Exception {
        try (InterposerHarness node = new InterposerHarness(folder)) {
            List<RawAdmin> watchers = new ArrayList<>();
            try {
                for (int i = 1; i < Watchers.MAX_WATCHERS; i++) { // the harness watches already
                    RawAdmin watcher = new RawAdmin(node.adminSocket);
                    watchers.add(watcher);
                    assertTrue(InterposerJson.answer(watcher.exchange("{\"op\":\"watch\"}")).ok());
                }
                RawAdmin one = new RawAdmin(node.adminSocket);
                watchers.add(one);
                assertError(one.exchange("{\"op\":\"watch\"}"), "at most 4 connections may watch at once");
                assertTrue(InterposerJson.answer(one.exchange("{\"op\":\"ping\"}")).ok(), "the refused one may still ask");
            } finally {
                watchers.forEach(RawAdmin::close);
            }
        }
    }

    private static String serve(UUID id, String listen, String engine) {
        return "{\"op\":\"serve\",\"vtpcmId\":\"" + id + "\",\"listen\":\"" + listen + "\""
                + (engine == null ? "" : ",\"engine\":\"" + engine + "\"") + "}";
    }

    private static void assertError(String line, String expected) {
        InterposerAnswer answer = InterposerJson.answer(line);
        assertFalse(answer.ok(), line);
        assertTrue(answer.error().contains(expected), "expected '" + expected + "' in: " + answer.error());
    }
}
