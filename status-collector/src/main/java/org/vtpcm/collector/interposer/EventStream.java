package org.vtpcm.collector.interposer;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The daemon thread behind an {@link InterposerClient.Subscription}: reads pushed events until the stream ends or is closed. */
final class EventStream implements Runnable, InterposerClient.Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);

    private final AdminChannel channel;
    private final Consumer<ChannelEvent> events;
    private final Runnable onClosed;
    private volatile boolean closed;

    EventStream(AdminChannel channel, Consumer<ChannelEvent> events, Runnable onClosed) {
        this.channel = channel;
        this.events = events;
        this.onClosed = onClosed;
    }

    void start() {
        Thread thread = new Thread(this, "interposer-events");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        try {
            while (!closed) {
                ChannelEvent event = InterposerJson.event(channel.readLine());
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
            channel.close();
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
        channel.close();
    }
}
