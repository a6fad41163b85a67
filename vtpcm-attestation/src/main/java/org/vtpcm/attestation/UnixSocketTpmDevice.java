package org.vtpcm.attestation;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

/**
 * TSS.Java transport to the data channel of a swtpm ({@code --server type=unixio}), which speaks
 * raw TPM 2.0 command and response bytes. Every command is bounded by a timeout so a hung
 * emulator cannot hang the manager.
 */
final class UnixSocketTpmDevice extends ResponseHoldingTpmDevice {
    private static final int HEADER_BYTES = 10;
    private static final int MAX_RESPONSE_BYTES = 64 * 1024;

    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private final Duration timeout;

    private UnixSocketTpmDevice(SocketChannel channel, Selector selector, Duration timeout) throws IOException {
        this.channel = channel;
        this.selector = selector;
        this.timeout = timeout;
        channel.configureBlocking(false);
        this.key = channel.register(selector, 0);
    }

    /** Connects to a listening swtpm; throws IOException while it is not listening yet. */
    static UnixSocketTpmDevice connect(Path socket, Duration timeout) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return new UnixSocketTpmDevice(channel, Selector.open(), timeout);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public boolean connect() {
        return channel.isOpen();
    }

    @Override
    public void dispatchCommand(byte[] command) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            ByteBuffer out = ByteBuffer.wrap(command);
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) {
                    await(SelectionKey.OP_WRITE, deadline);
                }
            }
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
            readFully(header, deadline);
            int size = header.getInt(2);
            if (size < HEADER_BYTES || size > MAX_RESPONSE_BYTES) {
                throw new IOException("invalid TPM response size " + size);
            }
            ByteBuffer body = ByteBuffer.allocate(size);
            body.put(header.flip());
            readFully(body, deadline);
            hold(body.array());
        } catch (IOException e) {
            close(); // the byte stream is out of step now; never reuse it
            throw new PlatformTpmException("lost the connection to the emulated platform TPM: " + e.getMessage(), e);
        }
    }

    private void readFully(ByteBuffer buffer, long deadline) throws IOException {
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer);
            if (read < 0) {
                throw new IOException("the emulated TPM closed the connection");
            }
            if (read == 0) {
                await(SelectionKey.OP_READ, deadline);
            }
        }
    }

    private void await(int operation, long deadline) throws IOException {
        long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
        if (remainingMillis <= 0) {
            throw new IOException("no answer within " + timeout);
        }
        key.interestOps(operation);
        selector.select(remainingMillis);
        selector.selectedKeys().clear();
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
