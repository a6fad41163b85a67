package org.vtpcm.collector.interposer;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.collector.swtpm.FdSocket;
import org.vtpcm.collector.swtpm.Poller;
import org.vtpcm.collector.swtpm.SwtpmControlException;

/**
 * One client of the admin socket, on the event loop: newline-delimited JSON commands in, answers out,
 * and after Watch, pushed events. Everything is bounded so that a slow or hostile client costs little
 * and holds up nothing: a request line is at most {@link #MAX_LINE} bytes, unsent output at most
 * {@link #MAX_BACKLOG} (then a client stops being read, a watcher is dropped), and a client that makes
 * no progress for {@link #IDLE} is closed (a watcher with nothing to receive may idle forever).
 */
final class AdminConnection implements EventLoop.Member {
    static final int MAX_LINE = 64 * 1024;
    static final int MAX_BACKLOG = 256 * 1024;
    static final Duration IDLE = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(AdminConnection.class);

    private final FdSocket socket;
    private final EventLoop loop;
    private final AdminCommands commands;
    private final Watchers watchers;
    private final Runnable onClose;
    private final LineBuffer input = new LineBuffer(MAX_LINE);
    private final ArrayDeque<byte[]> output = new ArrayDeque<>();
    private int outputOffset;
    private int backlog;
    private boolean watching;
    private boolean closeWhenFlushed;
    private boolean closed;
    private long lastProgress = System.nanoTime();

    AdminConnection(FdSocket socket, EventLoop loop, AdminCommands commands, Watchers watchers, Runnable onClose) {
        this.socket = socket;
        this.loop = loop;
        this.commands = commands;
        this.watchers = watchers;
        this.onClose = onClose;
    }

    @Override
    public int fd() {
        return socket.fd();
    }

    @Override
    public short interest() {
        if (closed) {
            return SKIP;
        }
        boolean read = !closeWhenFlushed && (watching || backlog < MAX_BACKLOG);
        return (short) ((read ? Poller.IN : 0) | (backlog > 0 ? Poller.OUT : 0));
    }

    @Override
    public void ready(short revents) {
        try {
            if ((revents & (Poller.OUT | Poller.ERR | Poller.HUP)) != 0 && backlog > 0) {
                flush();
            }
            if (!closed && (revents & (Poller.IN | Poller.ERR | Poller.HUP)) != 0 && !closeWhenFlushed) {
                read();
            }
            if (!closed && (revents & Poller.NVAL) != 0) {
                close();
            }
        } catch (SwtpmControlException e) {
            LOG.debug("admin connection ended: {}", e.getMessage());
            close();
        }
    }

    private void read() {
        FdSocket.Received received = socket.tryReceive(loop.scratch(), loop.buffer());
        if (received.wouldBlock()) {
            return;
        }
        if (received.endOfStream()) {
            close();
            return;
        }
        FdSocket.closeFd(received.passedFd()); // nobody passes descriptors to the admin socket
        lastProgress = System.nanoTime();
        List<String> lines = input.append(loop.buffer(), 0, received.length());
        if (watching) {
            return; // a watcher only listens
        }
        for (String line : lines) {
            if (!line.isBlank()) {
                handle(line);
            }
            if (watching) {
                break;
            }
        }
        if (input.tooLong()) {
            enqueue(InterposerJson.line(commands.failed("request line longer than " + MAX_LINE + " bytes")));
            closeWhenFlushed = true;
            flush();
        }
    }

    private void handle(String line) {
        InterposerCommand command;
        try {
            command = InterposerJson.command(line);
        } catch (IllegalArgumentException e) {
            enqueue(InterposerJson.line(commands.failed(e.getMessage())));
            return;
        }
        if (command instanceof InterposerCommand.Watch) {
            if (!watchers.add(this)) {
                enqueue(InterposerJson.line(commands.failed("at most " + Watchers.MAX_WATCHERS + " connections may watch at once")));
                return;
            }
            watching = true;
        }
        enqueue(InterposerJson.line(commands.answer(command)));
    }

    /** An event line for a watcher; a watcher too slow to take it is dropped. */
    void push(byte[] line) {
        if (closed) {
            return;
        }
        if (backlog + line.length > MAX_BACKLOG) {
            LOG.warn("dropping an admin watcher that does not read its events ({} bytes waiting)", backlog);
            close();
            return;
        }
        enqueue(line);
    }

    private void enqueue(byte[] line) {
        output.add(line);
        backlog += line.length;
        flush();
    }

    private void flush() {
        while (!output.isEmpty()) {
            byte[] head = output.peek();
            int sent = socket.trySend(loop.scratch(), head, outputOffset, head.length - outputOffset, -1);
            if (sent == 0) {
                return;
            }
            lastProgress = System.nanoTime();
            outputOffset += sent;
            backlog -= sent;
            if (outputOffset == head.length) {
                output.poll();
                outputOffset = 0;
            }
        }
        if (closeWhenFlushed) {
            close();
        }
    }

    @Override
    public void tick(long nowNanos) {
        boolean waitsForNothing = watching && backlog == 0;
        if (!waitsForNothing && nowNanos - lastProgress > IDLE.toNanos()) {
            LOG.debug("closing an admin connection idle for {} s", IDLE.toSeconds());
            close();
        }
    }

    @Override
    public void failed(RuntimeException e) {
        close();
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.remove(this);
        watchers.remove(this);
        socket.close();
        onClose.run();
    }
}
