package org.vtpcm.collector.interposer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.collector.swtpm.ControlStreamObserver;
import org.vtpcm.collector.swtpm.FdSocket;
import org.vtpcm.collector.swtpm.Poller;
import org.vtpcm.collector.swtpm.StateBlobDigest;
import org.vtpcm.collector.swtpm.StateBlobType;
import org.vtpcm.collector.swtpm.SwtpmControlException;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.protocol.state.StateDigest;

/**
 * One vTPCM's control channel: a listener QEMU connects to, at most one live {@link Relay} on to the
 * engine, and what the current (or last) connection carried. A second connection while one is live is
 * closed at once and never touches the live one (an intruder must not be able to cut a VM's TPM).
 * Lives on the event loop thread.
 */
final class Channel {
    private static final Logger LOG = LoggerFactory.getLogger(Channel.class);
    /**
     * The largest state blob observed: swtpm's TPM 2.0 state is tens of KB (its NV space is 128 KB), and
     * one misbehaving QEMU must not exhaust the small heap every channel shares. A larger blob is still
     * relayed; only its observation stops (the report is then out of sync and claims no digest).
     */
    static final int MAX_STATE_BLOB = 1024 * 1024;

    /** What a channel needs from the service around it. */
    record Context(EventLoop loop, CryptoSuite suite, Consumer<ChannelEvent> events, Clock clock) {
    }

    private final UUID vtpcmId;
    private final Path listen;
    private final Context context;
    private final Acceptor acceptor = new Acceptor();
    private Path engine;
    private FdSocket listener;
    private Relay relay;
    private long connections;
    private ControlStreamObserver observer = new ControlStreamObserver(MAX_STATE_BLOB);
    private ObserverMark mark = ObserverMark.START;
    private StateDigest fetchedDigest = StateDigest.NONE;
    private List<StateBlobType> fetchedTypes = List.of();
    private StateDigest loadedDigest = StateDigest.NONE;
    private List<StateBlobType> loadedTypes = List.of();

    private Channel(UUID vtpcmId, Path listen, Path engine, Context context) {
        this.vtpcmId = vtpcmId;
        this.listen = listen;
        this.engine = engine;
        this.context = context;
    }

    /** Listens at {@code listen}; a failure to do so is a SwtpmControlException. */
    static Channel open(UUID vtpcmId, Path listen, Path engine, Context context) {
        Channel channel = new Channel(vtpcmId, listen, engine, context);
        channel.listenAgain();
        return channel;
    }

    UUID vtpcmId() {
        return vtpcmId;
    }

    Path listen() {
        return listen;
    }

    ServeDecision.Served served() {
        return new ServeDecision.Served(listen, engine, relay != null);
    }

    /** Relays the next QEMU connection to {@code newEngine}; only while none is live (see {@link ServeDecision}). */
    void rebind(Path newEngine) {
        if (relay != null) {
            throw new IllegalStateException("rebinding a connected channel");
        }
        LOG.info("vTPCM {}: control channel rebound to engine {}", vtpcmId, newEngine);
        engine = newEngine;
    }

    /** Listens again if the socket file has gone (someone cleaned the run dir): Serve means "QEMU can connect". */
    void ensureListening() {
        if (!Files.exists(listen)) {
            LOG.warn("vTPCM {}: listen socket {} had disappeared; listening again", vtpcmId, listen);
            listenAgain();
        }
    }

    private void listenAgain() {
        FdSocket fresh = FdSocket.listenNonBlocking(listen);
        if (listener != null) {
            context.loop().remove(acceptor);
            listener.close();
        }
        listener = fresh;
        context.loop().add(acceptor);
    }

    ChannelReport report() {
        return new ChannelReport(vtpcmId, listen.toString(), engine.toString(), relay != null, connections, observer.inSync(),
                observer.commandsSeen(), fetchedDigest, fetchedTypes, loadedDigest, loadedTypes);
    }

    /** Stops serving: closes the listener and any connection (announced when {@code announce}), deletes the socket file. */
    void close(boolean announce) {
        context.loop().remove(acceptor);
        listener.close();
        if (relay != null) {
            Relay live = relay;
            if (!announce) {
                relay = null;
            }
            live.close();
        }
        try {
            Files.deleteIfExists(listen);
        } catch (IOException e) {
            LOG.warn("vTPCM {}: could not remove {}: {}", vtpcmId, listen, e.getMessage());
        }
    }

    private void accepted(FdSocket qemu) {
        if (relay != null) {
            qemu.close();
            LOG.warn("vTPCM {}: refused a second connection to {} while QEMU's is live", vtpcmId, listen);
            publish(ChannelEvent.Kind.REFUSED_SECOND_CONNECTION);
            return;
        }
        FdSocket swtpm;
        try {
            swtpm = FdSocket.connectNonBlocking(engine); // a hung engine must not stall every other channel's relay
        } catch (SwtpmControlException e) {
            LOG.error("vTPCM {}: QEMU connected but the engine's control socket {} is unreachable: {}", vtpcmId, engine, e.getMessage());
            qemu.close();
            return;
        }
        connections++;
        observer = new ControlStreamObserver(MAX_STATE_BLOB);
        mark = ObserverMark.START;
        fetchedDigest = StateDigest.NONE;
        fetchedTypes = List.of();
        loadedDigest = StateDigest.NONE;
        loadedTypes = List.of();
        ControlStreamObserver watched = observer;
        relay = new Relay(qemu, swtpm, watched, context.loop(), new Relay.Listener() {
            @Override
            public void observed() {
                Channel.this.observed(watched);
            }

            @Override
            public void ended() {
                relayEnded();
            }
        });
        LOG.info("vTPCM {}: QEMU connected to {}, relaying to {} (connection {})", vtpcmId, listen, engine, connections);
        publish(ChannelEvent.Kind.CONNECTED);
    }

    /** The moment a blob finishes crossing, its direction's digest is computed over every blob seen so far. */
    private void observed(ControlStreamObserver watched) {
        ObserverMark now = ObserverMark.of(watched);
        List<ChannelEvent.Kind> kinds = now.eventsSince(mark);
        mark = now;
        for (ChannelEvent.Kind kind : kinds) {
            if (kind == ChannelEvent.Kind.STATE_FETCHED) {
                Map<StateBlobType, byte[]> blobs = watched.fetchedBlobs();
                fetchedDigest = StateBlobDigest.of(context.suite(), blobs);
                fetchedTypes = List.copyOf(blobs.keySet());
                LOG.info("vTPCM {}: state fetched {} digest {}", vtpcmId, fetchedTypes, fetchedDigest);
            } else if (kind == ChannelEvent.Kind.STATE_LOADED) {
                Map<StateBlobType, byte[]> blobs = watched.loadedBlobs();
                loadedDigest = StateBlobDigest.of(context.suite(), blobs);
                loadedTypes = List.copyOf(blobs.keySet());
                LOG.info("vTPCM {}: state loaded {} digest {}", vtpcmId, loadedTypes, loadedDigest);
            } else if (kind == ChannelEvent.Kind.DESYNC) {
                LOG.warn("vTPCM {}: lost track of the control conversation; no digest of this connection is claimed", vtpcmId);
            }
            publish(kind);
        }
    }

    private void relayEnded() {
        if (relay == null) {
            return; // closed without announcement
        }
        relay = null;
        LOG.info("vTPCM {}: QEMU's control connection ended after {} commands", vtpcmId, observer.commandsSeen());
        publish(ChannelEvent.Kind.DISCONNECTED);
    }

    private void publish(ChannelEvent.Kind kind) {
        context.events().accept(new ChannelEvent(vtpcmId, kind, report(), context.clock().millis()));
    }

    /** The listener's place in the event loop. */
    private final class Acceptor implements EventLoop.Member {
        @Override
        public int fd() {
            return listener.fd();
        }

        @Override
        public short interest() {
            return Poller.IN;
        }

        @Override
        public void ready(short revents) {
            try {
                Optional<FdSocket> next;
                while ((next = listener.tryAccept()).isPresent()) {
                    accepted(next.get());
                }
            } catch (SwtpmControlException e) {
                LOG.warn("vTPCM {}: accepting on {} failed: {}", vtpcmId, listen, e.getMessage());
            }
        }

        @Override
        public void failed(RuntimeException e) {
            LOG.error("vTPCM {}: the listener at {} stopped: {}", vtpcmId, listen, e.toString());
            listener.close();
        }
    }
}
