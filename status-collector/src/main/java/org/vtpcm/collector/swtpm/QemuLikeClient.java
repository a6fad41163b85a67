package org.vtpcm.collector.swtpm;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Talks to a TPM engine's control socket the way QEMU does: hands over a data channel with
 * CMD_SET_DATAFD, initializes the TPM, then sends TPM commands on the data channel. Used by the
 * collector benchmark to time the same engine with and without the interposer in front.
 */
public final class QemuLikeClient implements AutoCloseable {
    private final FdSocket control;
    private final FdSocket data;

    private QemuLikeClient(FdSocket control, FdSocket data) {
        this.control = control;
        this.data = data;
    }

    /** No answer within this long is a failure, never a hang. */
    private static final java.time.Duration RECEIVE_TIMEOUT = java.time.Duration.ofSeconds(10);
    /** TPM_NON_FATAL: QEMU takes a GET_STATEBLOB result with this bit as "no such blob" (size 0), not as an error. */
    private static final int NON_FATAL = 0x800;

    /** Connects, passes a fresh socketpair end as the data channel, and initializes the TPM (CMD_INIT + TPM2_Startup). */
    public static QemuLikeClient connect(Path controlSocket) {
        FdSocket control = FdSocket.connect(controlSocket).withReceiveTimeout(RECEIVE_TIMEOUT);
        int[] pair = new int[2];
        LibC.INSTANCE.socketpair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0, pair);
        FdSocket data = FdSocket.adopt(pair[0]).withReceiveTimeout(RECEIVE_TIMEOUT);
        QemuLikeClient client = new QemuLikeClient(control, data);
        try {
            client.controlCommand(ControlCommand.SET_DATAFD, new byte[0], 4, pair[1]);
            FdSocket.closeFd(pair[1]);
            client.controlCommand(ControlCommand.INIT, new byte[4], 4, -1);
            byte[] startup = java.util.HexFormat.of().parseHex("80010000000c000001440000");
            client.tpmCommand(startup);
            return client;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** One control command round trip; returns the response bytes. */
    public byte[] controlCommand(ControlCommand command, byte[] body, int responseLength, int passFd) {
        byte[] message = ByteBuffer.allocate(4 + body.length).putInt(command.code()).put(body).array();
        control.send(message, message.length, passFd);
        return readFully(control, responseLength);
    }

    /**
     * CMD_GET_STATEBLOB as QEMU sends it at a migration source (decrypted); returns the blob. Like QEMU,
     * a result with the 0x800 (non-fatal) bit is an empty blob: a TPM 2.0 in swtpm normally has no
     * savestate and answers TPM_RETRY for it.
     */
    public byte[] fetchStateBlob(StateBlobType type) {
        byte[] header = controlCommand(ControlCommand.GET_STATEBLOB,
                ByteBuffer.allocate(12).putInt(SwtpmControlClient.FLAG_DECRYPTED).putInt(type.code()).putInt(0).array(), 16, -1);
        ByteBuffer fields = ByteBuffer.wrap(header);
        int result = fields.getInt();
        fields.getInt();
        int total = fields.getInt();
        int length = fields.getInt();
        if (result != 0 && (result & NON_FATAL) == 0) {
            throw new SwtpmControlException("GET_STATEBLOB " + type + " failed with TPM result 0x" + Integer.toHexString(result), result);
        }
        if (length < 0 || length > 16 * 1024 * 1024 || length != total) {
            throw new SwtpmControlException("implausible " + type + " blob of " + length + " bytes", -1);
        }
        return readFully(control, length);
    }

    /** CMD_SET_STATEBLOB as QEMU sends it at a migration destination (the TPM must be stopped); like QEMU, an empty blob is not sent. */
    public void loadStateBlob(StateBlobType type, byte[] blob) {
        if (blob.length == 0) {
            return;
        }
        byte[] body = ByteBuffer.allocate(12 + blob.length).putInt(0).putInt(type.code()).putInt(blob.length).put(blob).array();
        int result = ByteBuffer.wrap(controlCommand(ControlCommand.SET_STATEBLOB, body, 4, -1)).getInt();
        if (result != 0) {
            throw new SwtpmControlException("SET_STATEBLOB " + type + " failed with TPM result 0x" + Integer.toHexString(result), result);
        }
    }

    /** One TPM 2.0 command on the data channel; returns the whole response. */
    public byte[] tpmCommand(byte[] command) {
        data.send(command, command.length, -1);
        byte[] header = readFully(data, 10);
        int size = ByteBuffer.wrap(header).getInt(2);
        if (size < 10 || size > 65536) {
            throw new SwtpmControlException("implausible TPM response size " + size, -1);
        }
        byte[] response = ByteBuffer.allocate(size).put(header).put(readFully(data, size - 10)).array();
        return response;
    }

    /** Reads exactly {@code length} bytes. */
    static byte[] readFully(FdSocket socket, int length) {
        ByteBuffer result = ByteBuffer.allocate(length);
        while (result.hasRemaining()) {
            byte[] chunk = new byte[result.remaining()];
            FdSocket.Received received = socket.receive(chunk);
            if (received.length() == 0) {
                throw new SwtpmControlException("peer closed after " + result.position() + " of " + length + " bytes", -1);
            }
            result.put(chunk, 0, received.length());
        }
        return result.array();
    }

    @Override
    public void close() {
        data.close();
        control.close();
    }
}
