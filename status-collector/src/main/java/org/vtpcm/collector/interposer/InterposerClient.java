package org.vtpcm.collector.interposer;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node manager's side of the node interposer's admin socket. Each call is one short connection
 * (so the client holds no state and is thread-safe, and a restarted service is simply reached anew)
 * with a deadline: {@link InterposerException} when nothing listens, the service does not answer in
 * time, or it refuses the command.
 */
public final class InterposerClient {
    /** How long a call may take. */
    public static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(InterposerClient.class);
    /** An answer listing many channels is large; an answer larger than this is not believed. */
    private static final int MAX_ANSWER = 16 * 1024 * 1024;

    private final Path adminSocket;
    private final Duration timeout;

    public InterposerClient(Path adminSocket) {
        this(adminSocket, TIMEOUT);
    }

    public InterposerClient(Path adminSocket, Duration timeout) {
        this.adminSocket = requireNonNull(adminSocket, "adminSocket is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
    }

    /** Serves the vTPCM's control channel at {@code listen}, relayed to {@code engine}; its report. */
    public ChannelReport serve(UUID vtpcmId, Path listen, Path engine) {
        InterposerAnswer answer = succeed(new InterposerCommand.Serve(requireNonNull(vtpcmId, "vtpcmId is null"),
                listen.toAbsolutePath().normalize().toString(), engine.toAbsolutePath().normalize().toString()));
        if (answer.report() == null) {
            throw new InterposerException("the interposer served vTPCM " + vtpcmId + " but sent no report");
        }
        return answer.report();
    }

    /** Stops serving the vTPCM's channel (closing any connection); fine if it was not served. */
    public void forget(UUID vtpcmId) {
        succeed(new InterposerCommand.Forget(requireNonNull(vtpcmId, "vtpcmId is null")));
    }

    /** The channel's report, or empty if the vTPCM is not served. */
    public Optional<ChannelReport> report(UUID vtpcmId) {
        return Optional.ofNullable(succeed(new InterposerCommand.Report(requireNonNull(vtpcmId, "vtpcmId is null"))).report());
    }

    public List<ChannelReport> channels() {
        return succeed(new InterposerCommand.Channels()).channels();
    }

    /** Whether the service answers a ping; false when nothing listens (never throws). */
    public boolean alive() {
        try {
            call(new InterposerCommand.Ping());
            return true;
        } catch (InterposerException e) {
            return false;
        }
    }

    /** The service's process id (it answers every call with it). */
    public long pid() {
        return succeed(new InterposerCommand.Ping()).pid();
    }

    /** A stream of channel events, read by a daemon thread; close it to stop. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Subscribes to every channel's events: {@code events} is called on a daemon thread, in order.
     * {@code onClosed} runs once if the stream ends by the service's doing (it stopped, or dropped a
     * watcher too slow to read), not after {@link Subscription#close()}: the caller resubscribes then.
     */
    public Subscription watch(Consumer<ChannelEvent> events, Runnable onClosed) {
        requireNonNull(events, "events is null");
        requireNonNull(onClosed, "onClosed is null");
        long deadline = System.nanoTime() + timeout.toNanos();
        SocketChannel channel = open(deadline);
        try {
            LineReader reader = new LineReader(channel);
            try (Selector selector = Selector.open()) {
                channel.register(selector, 0);
                write(channel, selector, InterposerJson.line(new InterposerCommand.Watch()), deadline);
                check(new InterposerCommand.Watch(), InterposerJson.answer(reader.readLine(selector, deadline)));
            }
            channel.configureBlocking(true);
            EventStream stream = new EventStream(channel, reader, events, onClosed);
            Thread thread = new Thread(stream, "interposer-events");
            thread.setDaemon(true);
            thread.start();
            return stream;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw e instanceof InterposerException interposer ? interposer : failure("watch", e);
        }
    }

    private InterposerAnswer succeed(InterposerCommand command) {
        InterposerAnswer answer = call(command);
        check(command, answer);
        return answer;
    }

    private static void check(InterposerCommand command, InterposerAnswer answer) {
        if (!answer.ok()) {
            throw new InterposerException("the node interposer refused " + opName(command) + ": " + answer.error());
        }
    }

    private InterposerAnswer call(InterposerCommand command) {
        long deadline = System.nanoTime() + timeout.toNanos();
        SocketChannel channel = open(deadline);
        try (channel; Selector selector = Selector.open()) {
            channel.register(selector, 0);
            write(channel, selector, InterposerJson.line(command), deadline);
            return InterposerJson.answer(new LineReader(channel).readLine(selector, deadline));
        } catch (IOException e) {
            throw failure(opName(command), e);
        }
    }

    private SocketChannel open(long deadline) {
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.configureBlocking(false);
            if (!channel.connect(UnixDomainSocketAddress.of(adminSocket))) {
                try (Selector selector = Selector.open()) {
                    channel.register(selector, SelectionKey.OP_CONNECT);
                    while (!channel.finishConnect()) {
                        await(selector, deadline, "connecting");
                    }
                }
            }
            return channel;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw e instanceof InterposerException interposer ? interposer
                    : new InterposerException("no node interposer at " + adminSocket + ": " + e.getMessage(), e);
        }
    }

    private static void write(SocketChannel channel, Selector selector, byte[] line, long deadline) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(line);
        channel.keyFor(selector).interestOps(SelectionKey.OP_WRITE);
        while (buffer.hasRemaining()) {
            if (channel.write(buffer) == 0) {
                await(selector, deadline, "sending");
            }
        }
    }

    private static void await(Selector selector, long deadline, String doing) throws IOException {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
            throw new InterposerException("the node interposer did not answer in time (" + doing + ")");
        }
        selector.select(left);
        selector.selectedKeys().clear();
    }

    private InterposerException failure(String op, Exception e) {
        return new InterposerException("talking to the node interposer at " + adminSocket + " (" + op + ") failed: " + e.getMessage(), e);
    }

    private static String opName(InterposerCommand command) {
        return command.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing a UNIX socket only fails if it is already gone
            }
        }
    }

    /** Reads newline-terminated lines from a channel, keeping bytes read past a line for the next one. */
    private static final class LineReader {
        private final SocketChannel channel;
        private final ByteBuffer chunk = ByteBuffer.allocate(8192);
        private final LineBuffer lines = new LineBuffer(MAX_ANSWER);
        private final Deque<String> ready = new ArrayDeque<>();

        LineReader(SocketChannel channel) {
            this.channel = channel;
        }

        /** The next line, within the deadline (non-blocking channel registered with {@code selector}). */
        String readLine(Selector selector, long deadline) throws IOException {
            channel.keyFor(selector).interestOps(SelectionKey.OP_READ);
            while (ready.isEmpty()) {
                if (!fill()) {
                    await(selector, deadline, "reading");
                }
            }
            return ready.poll();
        }

        /** The next line, blocking; null at the end of the stream. */
        String readLine() throws IOException {
            while (ready.isEmpty()) {
                if (!fill() && !channel.isBlocking()) {
                    throw new IllegalStateException("readLine() without a deadline needs a blocking channel");
                }
            }
            return ready.poll();
        }

        /** Reads once; false when nothing was there. */
        private boolean fill() throws IOException {
            chunk.clear();
            int n = channel.read(chunk);
            if (n < 0) {
                throw new java.io.EOFException("the node interposer closed the connection");
            }
            ready.addAll(lines.append(chunk.array(), 0, n));
            if (lines.tooLong()) {
                throw new IOException("the node interposer sent a line longer than " + MAX_ANSWER + " bytes");
            }
            return n > 0;
        }
    }

    /** The daemon thread behind a {@link Subscription}. */
    private static final class EventStream implements Runnable, Subscription {
        private final SocketChannel channel;
        private final LineReader reader;
        private final Consumer<ChannelEvent> events;
        private final Runnable onClosed;
        private volatile boolean closed;

        EventStream(SocketChannel channel, LineReader reader, Consumer<ChannelEvent> events, Runnable onClosed) {
            this.channel = channel;
            this.reader = reader;
            this.events = events;
            this.onClosed = onClosed;
        }

        @Override
        public void run() {
            try {
                while (!closed) {
                    ChannelEvent event = InterposerJson.event(reader.readLine());
                    try {
                        events.accept(event);
                    } catch (RuntimeException e) {
                        LOG.warn("a channel event handler failed on {} {}: {}", event.kind(), event.vtpcmId(), e.toString());
                    }
                }
            } catch (AsynchronousCloseException e) {
                // closed by the subscriber
            } catch (IOException | InterposerException e) {
                if (!closed) {
                    LOG.info("the node interposer's event stream ended: {}", e.getMessage());
                }
            } finally {
                closeQuietly(channel);
                if (!closed) {
                    try {
                        onClosed.run();
                    } catch (RuntimeException e) {
                        LOG.warn("the event stream's onClosed failed: {}", e.toString());
                    }
                }
            }
        }

        @Override
        public void close() {
            closed = true;
            closeQuietly(channel);
        }
    }
}
