package org.vtpcm.collector.interposer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.collector.swtpm.ControlCommand;
import org.vtpcm.collector.swtpm.FdSocket;
import org.vtpcm.collector.swtpm.QemuLikeClient;
import org.vtpcm.collector.swtpm.SwtpmProcessFixture;

/**
 * Anyone who can reach a vTPCM's listen socket while QEMU is connected must not be able to cut QEMU's
 * control channel (the per-VM interposer replaced the live connection with the newcomer's): the
 * newcomer is closed at once, the live connection keeps working, and the attempt is reported.
 */
@Timeout(60)
class SecondConnectionAttackTest {
    private static final byte[] TPM2_GET_RANDOM_16 = HexFormat.of().parseHex("80010000000c0000017b0010");

    @TempDir
    Path folder;

    @Test
    void aSecondConnectionNeverBreaksTheLiveOne() throws Exception {
        try (InterposerHarness node = new InterposerHarness(folder)) {
            SwtpmProcessFixture engine = node.engine("engine");
            UUID vtpcm = UUID.randomUUID();
            Path listen = node.listenPath(vtpcm);
            node.client.serve(vtpcm, listen, engine.controlSocket);
            try (QemuLikeClient qemu = QemuLikeClient.connect(listen)) {
                assertEquals(ChannelEvent.Kind.CONNECTED, node.nextEvent(vtpcm).kind());
                for (int attempt = 0; attempt < 20; attempt++) {
                    try (FdSocket intruder = FdSocket.connect(listen).withReceiveTimeout(java.time.Duration.ofSeconds(5))) {
                        byte[] sink = new byte[16];
                        assertTrue(intruder.receive(sink).endOfStream(), "the newcomer is closed at once");
                    }
                    ChannelEvent refused = node.nextEvent(vtpcm);
                    assertEquals(ChannelEvent.Kind.REFUSED_SECOND_CONNECTION, refused.kind());
                    assertTrue(refused.report().connected(), "the live connection is still there");

                    // QEMU's next commands, on both channels, still work
                    byte[] config = qemu.controlCommand(ControlCommand.GET_CONFIG, new byte[0], 8, -1);
                    assertEquals(0, ByteBuffer.wrap(config).getInt(), "control command after attempt " + attempt);
                    byte[] random = qemu.tpmCommand(TPM2_GET_RANDOM_16);
                    assertArrayEquals(HexFormat.of().parseHex("80010000001c00000000"), java.util.Arrays.copyOf(random, 10));
                }
                ChannelReport report = node.client.report(vtpcm).orElseThrow();
                assertTrue(report.connected());
                assertEquals(1, report.connections(), "refused newcomers are not counted as connections");
                assertTrue(report.inSync(), "the live conversation was never disturbed");
                assertTrue(engine.isAlive(), "swtpm still has its one control connection");
            }
            assertEquals(ChannelEvent.Kind.DISCONNECTED, node.nextEvent(vtpcm).kind());
        }
    }
}
