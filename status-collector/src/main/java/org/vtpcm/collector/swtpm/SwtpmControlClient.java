package org.vtpcm.collector.swtpm;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A client of swtpm's control channel ({@code --ctrl type=unixio}): the commands QEMU uses to
 * drive the TPM engine, and the state-blob calls that move its state. swtpm serves one control
 * connection at a time. Integers are big-endian on this channel.
 */
public final class SwtpmControlClient implements AutoCloseable {
    /** PTM_STATE_FLAG_DECRYPTED: ask for the blob in clear, as QEMU does for migration. */
    public static final int FLAG_DECRYPTED = 1;
    /** PTM_STATE_FLAG_ENCRYPTED: set on a blob that is encrypted with the engine's state key. */
    public static final int FLAG_ENCRYPTED = 2;
    /** PTM_INIT_FLAG_DELETE_VOLATILE: CMD_INIT discards the volatile state. */
    public static final int INIT_DELETE_VOLATILE = 1;
    private static final int MAX_BLOB = 16 * 1024 * 1024;

    private final SocketChannel channel;

    private SwtpmControlClient(SocketChannel channel) {
        this.channel = channel;
    }

    public static SwtpmControlClient connect(Path socket) {
        requireNonNull(socket, "socket is null");
        try {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            return new SwtpmControlClient(channel);
        } catch (IOException e) {
            throw new SwtpmControlException("cannot connect to swtpm control channel " + socket + ": " + e.getMessage(), e);
        }
    }

    /** The PTM_CAP_* bits swtpm supports. */
    public synchronized long capabilities() {
        send(ControlCommand.GET_CAPABILITY, new byte[0]);
        return read(8).getLong();
    }

    /** CMD_INIT: (re)initializes the TPM, like a power cycle. */
    public synchronized void init(int flags) {
        send(ControlCommand.INIT, ByteBuffer.allocate(4).putInt(flags).array());
        check(ControlCommand.INIT, read(4).getInt());
    }

    /** CMD_STOP: stops the TPM so its state can be set. */
    public synchronized void stop() {
        send(ControlCommand.STOP, new byte[0]);
        check(ControlCommand.STOP, read(4).getInt());
    }

    /** CMD_SHUTDOWN: swtpm exits. */
    public synchronized void shutdown() {
        send(ControlCommand.SHUTDOWN, new byte[0]);
        check(ControlCommand.SHUTDOWN, read(4).getInt());
    }

    /** CMD_STORE_VOLATILE: writes the volatile state to the state directory. */
    public synchronized void storeVolatile() {
        send(ControlCommand.STORE_VOLATILE, new byte[0]);
        check(ControlCommand.STORE_VOLATILE, read(4).getInt());
    }

    /** CMD_GET_CONFIG: the PTM_CONFIG_FLAG_* bits (file key in use, migration key in use). */
    public synchronized int config() {
        send(ControlCommand.GET_CONFIG, new byte[0]);
        ByteBuffer response = read(8);
        check(ControlCommand.GET_CONFIG, response.getInt());
        return response.getInt();
    }

    /** CMD_GET_STATEBLOB of one type; {@code decrypted} asks for the clear blob as QEMU does. */
    public synchronized StateBlob stateBlob(StateBlobType type, boolean decrypted) {
        send(ControlCommand.GET_STATEBLOB, ByteBuffer.allocate(12).putInt(decrypted ? FLAG_DECRYPTED : 0).putInt(type.code())
                .putInt(0).array());
        ByteBuffer header = read(16);
        int result = header.getInt();
        int flags = header.getInt();
        int total = header.getInt();
        int length = header.getInt();
        check(ControlCommand.GET_STATEBLOB, result);
        if (length < 0 || length > MAX_BLOB || length != total) {
            throw new SwtpmControlException("swtpm announced an implausible " + type + " blob of " + length + " bytes", -1);
        }
        byte[] data = new byte[length];
        read(length).get(data);
        return new StateBlob(type, (flags & FLAG_ENCRYPTED) != 0, data);
    }

    /** CMD_SET_STATEBLOB: loads a blob (the TPM must be stopped). */
    public synchronized void setStateBlob(StateBlob blob) {
        ByteBuffer request = ByteBuffer.allocate(12 + blob.data().length).putInt(blob.encrypted() ? FLAG_ENCRYPTED : 0)
                .putInt(blob.type().code()).putInt(blob.data().length).put(blob.data());
        send(ControlCommand.SET_STATEBLOB, request.array());
        check(ControlCommand.SET_STATEBLOB, read(4).getInt());
    }

    private void send(ControlCommand command, byte[] body) {
        ByteBuffer message = ByteBuffer.allocate(4 + body.length).putInt(command.code()).put(body).flip();
        try {
            while (message.hasRemaining()) {
                channel.write(message);
            }
        } catch (IOException e) {
            throw new SwtpmControlException("sending " + command + " failed: " + e.getMessage(), e);
        }
    }

    private ByteBuffer read(int length) {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        try {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer) < 0) {
                    throw new SwtpmControlException("swtpm closed the control channel", -1);
                }
            }
        } catch (IOException e) {
            throw new SwtpmControlException("reading from swtpm failed: " + e.getMessage(), e);
        }
        return buffer.flip();
    }

    private static void check(ControlCommand command, int result) {
        if (result != 0) {
            throw new SwtpmControlException(command + " failed with TPM result 0x" + Integer.toHexString(result), result & 0xffffffffL);
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a UNIX socket only fails if it is already gone
        }
    }
}
