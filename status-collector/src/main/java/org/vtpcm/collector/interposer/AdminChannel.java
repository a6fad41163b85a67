package org.vtpcm.collector.interposer;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * The client's end of one admin connection: lines out and in, each step within a deadline (a
 * non-blocking channel and a selector) until {@link #blocking()} hands it to a reader thread.
 */
final class AdminChannel implements AutoCloseable {
    /** An answer listing many channels is large; a line longer than this is not believed. */
    private static final int MAX_LINE = 16 * 1024 * 1024;

    private final SocketChannel channel;
    private final Selector selector;
    private final ByteBuffer chunk = ByteBuffer.allocate(8192);
    private final LineBuffer lines = new LineBuffer(MAX_LINE);
    private final Deque<String> ready = new ArrayDeque<>();

    private AdminChannel(SocketChannel channel, Selector selector) {
        this.channel = channel;
        this.selector = selector;
    }

    /** Connects within the deadline; an IOException when nothing listens. */
    static AdminChannel open(Path socket, long deadline) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector selector = null;
        try {
            channel.configureBlocking(false);
            selector = Selector.open();
            channel.register(selector, SelectionKey.OP_CONNECT);
            if (!channel.connect(UnixDomainSocketAddress.of(socket))) {
                while (!channel.finishConnect()) {
                    await(selector, deadline, "connecting");
                }
            }
            return new AdminChannel(channel, selector);
        } catch (IOException | RuntimeException e) {
            if (selector != null) {
                selector.close();
            }
            channel.close();
            throw e;
        }
    }

    void write(byte[] line, long deadline) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(line);
        channel.keyFor(selector).interestOps(SelectionKey.OP_WRITE);
        while (buffer.hasRemaining()) {
            if (channel.write(buffer) == 0) {
                await(selector, deadline, "sending");
            }
        }
    }

    /** The next line, within the deadline. */
    String readLine(long deadline) throws IOException {
        channel.keyFor(selector).interestOps(SelectionKey.OP_READ);
        while (ready.isEmpty()) {
            if (!fill()) {
                await(selector, deadline, "reading");
            }
        }
        return ready.poll();
    }

    /** From now on reads block without a deadline (for a thread reading pushed events). */
    AdminChannel blocking() throws IOException {
        selector.close(); // deregisters the channel, which may then block
        channel.configureBlocking(true);
        return this;
    }

    /** The next line, blocking; an EOFException at the end of the stream. */
    String readLine() throws IOException {
        if (!channel.isBlocking()) {
            throw new IllegalStateException("readLine() without a deadline needs blocking()");
        }
        while (ready.isEmpty()) {
            fill();
        }
        return ready.poll();
    }

    /** Reads once; false when nothing was there. */
    private boolean fill() throws IOException {
        chunk.clear();
        int n = channel.read(chunk);
        if (n < 0) {
            throw new EOFException("the node interposer closed the connection");
        }
        ready.addAll(lines.append(chunk.array(), 0, n));
        if (lines.tooLong()) {
            throw new IOException("the node interposer sent a line longer than " + MAX_LINE + " bytes");
        }
        return n > 0;
    }

    private static void await(Selector selector, long deadline, String doing) throws IOException {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
            throw new InterposerException("the node interposer did not answer in time (" + doing + ")");
        }
        selector.select(left);
        selector.selectedKeys().clear();
    }

    /** Never throws: closing a UNIX socket only fails if it is already gone. */
    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException e) {
            // nothing held
        }
        try {
            channel.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
