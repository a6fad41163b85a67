package org.vtpcm.collector.interposer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.collector.swtpm.ControlCommand;
import org.vtpcm.collector.swtpm.QemuLikeClient;
import org.vtpcm.collector.swtpm.StateBlobDigest;
import org.vtpcm.collector.swtpm.StateBlobType;
import org.vtpcm.collector.swtpm.SwtpmControlException;
import org.vtpcm.collector.swtpm.SwtpmProcessFixture;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.crypto.SuiteName;

/** One in-process node interposer serving several vTPCMs, each in front of a real swtpm run with --terminate. */
@Timeout(60)
class NodeInterposerTest {
    private static final byte[] TPM2_GET_RANDOM_16 = HexFormat.of().parseHex("80010000000c0000017b0010");
    private static final byte[] TPM_SUCCESS_WITH_RANDOM_16 = HexFormat.of().parseHex("80010000001c00000000");

    @TempDir
    Path folder;

    @Test
    void stateFetchedThroughOneChannelAndLoadedThroughAnotherHasEqualDigests() throws Exception {
        try (InterposerHarness node = new InterposerHarness(folder)) {
            SwtpmProcessFixture sourceEngine = node.engine("source");
            SwtpmProcessFixture destinationEngine = node.engine("destination");
            UUID source = UUID.randomUUID();
            UUID destination = UUID.randomUUID();
            node.client.serve(source, node.listenPath(source), sourceEngine.controlSocket);
            node.client.serve(destination, node.listenPath(destination), destinationEngine.controlSocket);
            assertEquals(2, node.client.channels().size());

            Map<StateBlobType, byte[]> left = new EnumMap<>(StateBlobType.class);
            try (QemuLikeClient sourceQemu = QemuLikeClient.connect(node.listenPath(source));
                    QemuLikeClient destinationQemu = QemuLikeClient.connect(node.listenPath(destination))) {
                // the data channel passed with SET_DATAFD carries TPM commands on both (TPM2_Startup already did)
                assertArrayEquals(TPM_SUCCESS_WITH_RANDOM_16, Arrays.copyOf(sourceQemu.tpmCommand(TPM2_GET_RANDOM_16), 10));
                assertArrayEquals(TPM_SUCCESS_WITH_RANDOM_16, Arrays.copyOf(destinationQemu.tpmCommand(TPM2_GET_RANDOM_16), 10));

                // the source's QEMU fetches the whole state, as at a switchover (a running TPM has no savestate)
                for (StateBlobType type : StateBlobType.values()) {
                    left.put(type, sourceQemu.fetchStateBlob(type));
                }
                assertEquals(0, left.remove(StateBlobType.SAVESTATE).length);
                // the destination's QEMU loads it into a stopped TPM, then starts it again
                assertEquals(0, ByteBuffer.wrap(destinationQemu.controlCommand(ControlCommand.STOP, new byte[0], 4, -1)).getInt());
                for (StateBlobType type : left.keySet()) {
                    destinationQemu.loadStateBlob(type, left.get(type));
                }
                assertEquals(0, ByteBuffer.wrap(destinationQemu.controlCommand(ControlCommand.INIT, new byte[4], 4, -1)).getInt());
                assertArrayEquals(TPM_SUCCESS_WITH_RANDOM_16, Arrays.copyOf(destinationQemu.tpmCommand(TPM2_GET_RANDOM_16), 10),
                        "the destination TPM runs on the state that arrived");

                ChannelReport sent = node.client.report(source).orElseThrow();
                ChannelReport arrived = node.client.report(destination).orElseThrow();
                assertTrue(sent.fetchedComplete(), sent.toString());
                assertTrue(arrived.loadedComplete(), arrived.toString());
                assertEquals(ChannelReport.WHOLE_STATE, sent.fetchedTypes());
                assertEquals(ChannelReport.WHOLE_STATE, arrived.loadedTypes());
                assertEquals(sent.fetchedDigest(), arrived.loadedDigest());
                assertEquals(StateBlobDigest.of(CryptoSuites.of(SuiteName.SM), left), sent.fetchedDigest(),
                        "the digest of exactly the bytes QEMU received");
                assertFalse(arrived.fetchedDigest().isPresent());
            }
            // the source's evidence is read after its QEMU is gone
            ChannelReport afterwards = node.awaitReport(source, report -> !report.connected());
            assertTrue(afterwards.fetchedComplete());
            assertEquals(1, afterwards.connections());
            assertTrue(sourceEngine.awaitExit(5), "swtpm (--terminate) exits once the interposer closes its side");
        }
    }

    @Test
    void eventsArePushedInTheOrderTheyHappen() throws Exception {
        try (InterposerHarness node = new InterposerHarness(folder)) {
            SwtpmProcessFixture engine = node.engine("engine");
            UUID vtpcm = UUID.randomUUID();
            node.client.serve(vtpcm, node.listenPath(vtpcm), engine.controlSocket);
            try (QemuLikeClient qemu = QemuLikeClient.connect(node.listenPath(vtpcm))) {
                for (StateBlobType type : StateBlobType.values()) {
                    qemu.fetchStateBlob(type);
                }
            }
            List<ChannelEvent> seen = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                seen.add(node.nextEvent(vtpcm));
            }
            // no event for SAVESTATE: a running TPM has none, and swtpm's TPM_RETRY answer carries no blob
            assertEquals(List.of(ChannelEvent.Kind.CONNECTED, ChannelEvent.Kind.STATE_FETCHED, ChannelEvent.Kind.STATE_FETCHED,
                    ChannelEvent.Kind.DISCONNECTED), seen.stream().map(ChannelEvent::kind).toList());
            assertEquals(List.of(StateBlobType.PERMANENT), seen.get(1).report().fetchedTypes(), "each event carries the report of its moment");
            assertFalse(seen.get(1).report().fetchedComplete());
            assertEquals(ChannelReport.WHOLE_STATE, seen.get(2).report().fetchedTypes());
            assertTrue(seen.get(2).report().fetchedComplete());
            assertFalse(seen.get(3).report().connected());
            assertTrue(seen.get(3).report().fetchedComplete(), "the last report is kept after QEMU disconnects");
            assertEquals(5, seen.get(3).report().commands(), "SET_DATAFD, INIT and three GET_STATEBLOBs");
            for (int i = 1; i < seen.size(); i++) {
                assertTrue(seen.get(i).atEpochMillis() >= seen.get(i - 1).atEpochMillis());
            }
        }
    }

    @Test
    void forgetClosesTheListenerAndTheConnectionAndDeletesTheSocket() throws Exception {
        try (InterposerHarness node = new InterposerHarness(folder)) {
            SwtpmProcessFixture engine = node.engine("engine");
            UUID vtpcm = UUID.randomUUID();
            Path listen = node.listenPath(vtpcm);
            node.client.serve(vtpcm, listen, engine.controlSocket);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(listen)));
            try (QemuLikeClient qemu = QemuLikeClient.connect(listen)) {
                assertEquals(ChannelEvent.Kind.CONNECTED, node.nextEvent(vtpcm).kind());
                node.client.forget(vtpcm);
                assertEquals(ChannelEvent.Kind.DISCONNECTED, node.nextEvent(vtpcm).kind());
                assertThrows(SwtpmControlException.class, () -> qemu.controlCommand(ControlCommand.GET_CONFIG, new byte[0], 8, -1));
            }
            assertFalse(Files.exists(listen));
            assertTrue(node.client.report(vtpcm).isEmpty());
            assertTrue(node.client.channels().isEmpty());
            assertThrows(SwtpmControlException.class, () -> QemuLikeClient.connect(listen));
            node.client.forget(vtpcm); // again
            node.client.forget(UUID.randomUUID()); // never served
            assertTrue(engine.awaitExit(5));
        }
    }

    @Test
    void anEngineIsReboundOnlyWhileQemuIsNotConnected() throws Exception {
        try (InterposerHarness node = new InterposerHarness(folder)) {
            SwtpmProcessFixture first = node.engine("first");
            SwtpmProcessFixture second = node.engine("second");
            SwtpmProcessFixture third = node.engine("third");
            UUID vtpcm = UUID.randomUUID();
            Path listen = node.listenPath(vtpcm);
            ChannelReport served = node.client.serve(vtpcm, listen, first.controlSocket);
            assertEquals(served, node.client.serve(vtpcm, listen, first.controlSocket), "Serve is idempotent");

            try (QemuLikeClient qemu = QemuLikeClient.connect(listen)) {
                node.awaitReport(vtpcm, ChannelReport::connected);
                InterposerException refused = assertThrows(InterposerException.class,
                        () -> node.client.serve(vtpcm, listen, second.controlSocket));
                assertTrue(refused.getMessage().contains("QEMU is connected"), refused.getMessage());
                assertEquals(first.controlSocket.toString(), node.client.report(vtpcm).orElseThrow().engine());
                assertTrue(node.client.serve(vtpcm, listen, first.controlSocket).connected(), "the same arguments are still fine");
                qemu.tpmCommand(TPM2_GET_RANDOM_16);
            }
            node.awaitReport(vtpcm, report -> !report.connected());
            assertTrue(first.awaitExit(5));

            // a pooled engine handed to the vTPCM between two QEMU connections
            ChannelReport rebound = node.client.serve(vtpcm, listen, second.controlSocket);
            assertEquals(second.controlSocket.toString(), rebound.engine());
            try (QemuLikeClient qemu = QemuLikeClient.connect(listen)) {
                assertArrayEquals(TPM_SUCCESS_WITH_RANDOM_16, Arrays.copyOf(qemu.tpmCommand(TPM2_GET_RANDOM_16), 10));
                assertEquals(2, node.client.report(vtpcm).orElseThrow().connections());
            }
            assertTrue(second.awaitExit(5));
            assertTrue(third.isAlive(), "the engine never used is untouched");

            InterposerException moved = assertThrows(InterposerException.class,
                    () -> node.client.serve(vtpcm, node.runDir.resolve("elsewhere.ctrl"), third.controlSocket));
            assertTrue(moved.getMessage().contains("forget it before"), moved.getMessage());
            InterposerException taken = assertThrows(InterposerException.class,
                    () -> node.client.serve(UUID.randomUUID(), listen, third.controlSocket));
            assertTrue(taken.getMessage().contains("already served for vTPCM " + vtpcm), taken.getMessage());
        }
    }

    @Test
    void anUnreachableEngineClosesQemusConnectionAndNothingElse() throws Exception {
        try (InterposerHarness node = new InterposerHarness(folder)) {
            UUID vtpcm = UUID.randomUUID();
            node.client.serve(vtpcm, node.listenPath(vtpcm), folder.resolve("no-such-engine.ctrl"));
            assertThrows(SwtpmControlException.class, () -> QemuLikeClient.connect(node.listenPath(vtpcm)));
            ChannelReport report = node.client.report(vtpcm).orElseThrow();
            assertFalse(report.connected());
            assertEquals(0, report.connections());
            assertTrue(node.client.alive());
        }
    }

    @Test
    void theAdminSocketIsTheOwnersOnlyAndGoneAfterClose() throws Exception {
        Path adminSocket;
        try (InterposerHarness node = new InterposerHarness(folder)) {
            adminSocket = node.adminSocket;
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(adminSocket)));
            assertEquals(ProcessHandle.current().pid(), node.client.pid());
        }
        assertFalse(Files.exists(adminSocket));
        assertFalse(new InterposerClient(adminSocket).alive());
        InterposerException e = assertThrows(InterposerException.class, () -> new InterposerClient(adminSocket).channels());
        assertTrue(e.getMessage().contains("no node interposer at"), e.getMessage());
    }
}
