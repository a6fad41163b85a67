package org.vtpcm.collector.swtpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.crypto.SuiteName;

/**
 * The interposer between a QEMU stand-in and a real swtpm that has only a control channel (as with
 * libvirt's external backend): the data-channel descriptor crosses it with SCM_RIGHTS and TPM
 * commands then flow directly; state blobs crossing it are seen exactly.
 */
class ControlChannelInterposerTest {
    private static final byte[] TPM2_STARTUP_CLEAR = HexFormat.of().parseHex("80010000000c000001440000");

    @TempDir
    Path folder;

    @Test
    void passesTheDataChannelAndSeesEveryStateBlob() throws Exception {
        try (SwtpmProcessFixture swtpm = new SwtpmProcessFixture(folder, false);
                ControlChannelInterposer interposer = ControlChannelInterposer.start(folder.resolve("qemu-facing.ctrl"),
                        swtpm.controlSocket);
                FdSocket qemu = FdSocket.connect(folder.resolve("qemu-facing.ctrl"))) {
            int[] pair = new int[2];
            LibC.INSTANCE.socketpair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0, pair);
            try (FdSocket data = FdSocket.adopt(pair[0])) {
                // what QEMU does at start: hand over the data channel, then initialize
                assertEquals(0, command(qemu, ControlCommand.SET_DATAFD, new byte[0], 4, pair[1]).getInt());
                FdSocket.closeFd(pair[1]);
                assertEquals(0, command(qemu, ControlCommand.INIT, new byte[4], 4, -1).getInt());
                data.send(TPM2_STARTUP_CLEAR, TPM2_STARTUP_CLEAR.length, -1);
                byte[] response = readFully(data, 10).array();
                assertEquals("80010000000a00000000", HexFormat.of().formatHex(response), "TPM2_Startup answered through the passed fd");

                // what QEMU does at a migration source
                ByteBuffer header = command(qemu, ControlCommand.GET_STATEBLOB,
                        ByteBuffer.allocate(12).putInt(1).putInt(StateBlobType.PERMANENT.code()).putInt(0).array(), 16, -1);
                assertEquals(0, header.getInt());
                header.getInt();
                header.getInt();
                int length = header.getInt();
                byte[] permanent = readFully(qemu, length).array();
                assertArrayEquals(permanent, interposer.observer().fetchedBlobs().get(StateBlobType.PERMANENT));

                // and at a destination
                assertEquals(0, command(qemu, ControlCommand.STOP, new byte[0], 4, -1).getInt());
                byte[] body = ByteBuffer.allocate(12 + permanent.length).putInt(0).putInt(StateBlobType.PERMANENT.code())
                        .putInt(permanent.length).put(permanent).array();
                assertEquals(0, command(qemu, ControlCommand.SET_STATEBLOB, body, 4, -1).getInt());
                assertArrayEquals(permanent, interposer.observer().loadedBlobs().get(StateBlobType.PERMANENT));
                assertTrue(interposer.observer().inSync());
                assertEquals(5, interposer.observer().commandsSeen());
                var suite = CryptoSuites.of(SuiteName.SM);
                assertEquals(StateBlobDigest.of(suite, interposer.observer().fetchedBlobs()),
                        StateBlobDigest.of(suite, interposer.observer().loadedBlobs()));
            }
        }
    }

    private static ByteBuffer command(FdSocket socket, ControlCommand command, byte[] body, int responseLength, int passFd) {
        byte[] message = ByteBuffer.allocate(4 + body.length).putInt(command.code()).put(body).array();
        socket.send(message, message.length, passFd);
        return readFully(socket, responseLength);
    }

    private static ByteBuffer readFully(FdSocket socket, int length) {
        return ByteBuffer.wrap(QemuLikeClient.readFully(socket, length));
    }
}
