package org.vtpcm.collector.swtpm;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits on a vTPCM's control channel between QEMU and swtpm: QEMU connects to {@code listenPath}
 * (the socket named in the domain's external TPM backend), the interposer connects on to swtpm's
 * real control socket and relays both ways, byte for byte. The data-channel descriptor QEMU hands
 * over with CMD_SET_DATAFD is passed on to swtpm with SCM_RIGHTS, so TPM commands themselves flow
 * directly between QEMU and swtpm and never through here. On the way, a
 * {@link ControlStreamObserver} keeps the state blobs QEMU fetches and loads.
 */
public final class ControlChannelInterposer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlChannelInterposer.class);
    private static final int BUFFER = 64 * 1024;

    private final Path listenPath;
    private final Path target;
    private final FdSocket listener;
    private final AtomicReference<ControlStreamObserver> observer = new AtomicReference<>(new ControlStreamObserver());
    private final AtomicReference<Connection> active = new AtomicReference<>();
    private final Thread acceptor;
    private final java.util.concurrent.atomic.AtomicLong connectionsEnded = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closed;

    private ControlChannelInterposer(Path listenPath, Path target) {
        this.listenPath = listenPath;
        this.target = target;
        this.listener = FdSocket.listen(listenPath);
        this.acceptor = new Thread(this::acceptLoop, "ctrl-interposer-" + listenPath.getFileName());
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /** Starts relaying: QEMU's side listens at {@code listenPath}, swtpm's control socket is {@code swtpmControlSocket}. */
    public static ControlChannelInterposer start(Path listenPath, Path swtpmControlSocket) {
        return new ControlChannelInterposer(requireNonNull(listenPath, "listenPath is null"),
                requireNonNull(swtpmControlSocket, "swtpmControlSocket is null"));
    }

    /** How many QEMU connections have ended (QEMU exits or migrates away). */
    public long connectionsEnded() {
        return connectionsEnded.get();
    }

    /** What the current (or last) QEMU connection carried. */
    public ControlStreamObserver observer() {
        return observer.get();
    }

    private void acceptLoop() {
        while (!closed) {
            FdSocket client;
            try {
                client = listener.accept();
            } catch (SwtpmControlException e) {
                if (!closed) {
                    LOG.warn("interposer {} stopped accepting: {}", listenPath, e.getMessage());
                }
                return;
            }
            FdSocket server;
            try {
                server = FdSocket.connect(target);
            } catch (SwtpmControlException e) {
                LOG.error("interposer {}: swtpm control socket {} unreachable: {}", listenPath, target, e.getMessage());
                client.close();
                continue;
            }
            ControlStreamObserver fresh = new ControlStreamObserver();
            observer.set(fresh);
            Connection connection = new Connection(client, server, fresh, connectionsEnded::incrementAndGet);
            Connection previous = active.getAndSet(connection);
            if (previous != null) {
                previous.close();
            }
            connection.start();
            LOG.info("interposer {}: QEMU connected, relaying to {}", listenPath, target);
        }
    }

    @Override
    public void close() {
        closed = true;
        listener.close();
        Connection connection = active.getAndSet(null);
        if (connection != null) {
            connection.close();
        }
        try {
            java.nio.file.Files.deleteIfExists(listenPath);
        } catch (java.io.IOException e) {
            LOG.debug("could not remove {}: {}", listenPath, e.getMessage());
        }
    }

    /** One QEMU connection and its swtpm counterpart, pumped by two threads. */
    private static final class Connection {
        private final FdSocket client;
        private final FdSocket server;
        private final ControlStreamObserver observer;
        private final Runnable onEnd;
        private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();

        Connection(FdSocket client, FdSocket server, ControlStreamObserver observer, Runnable onEnd) {
            this.client = client;
            this.server = server;
            this.observer = observer;
            this.onEnd = onEnd;
        }

        void start() {
            Thread up = new Thread(this::clientToServer, "ctrl-up");
            Thread down = new Thread(this::serverToClient, "ctrl-down");
            up.setDaemon(true);
            down.setDaemon(true);
            up.start();
            down.start();
        }

        private void clientToServer() {
            byte[] buffer = new byte[BUFFER];
            try {
                while (true) {
                    FdSocket.Received received = client.receive(buffer);
                    if (received.length() == 0) {
                        break;
                    }
                    observer.fromClient(buffer, received.length());
                    try {
                        server.send(buffer, received.length(), received.passedFd());
                    } finally {
                        FdSocket.closeFd(received.passedFd()); // swtpm now holds its own copy
                    }
                }
            } catch (SwtpmControlException e) {
                LOG.debug("QEMU side ended: {}", e.getMessage());
            }
            close();
        }

        private void serverToClient() {
            byte[] buffer = new byte[BUFFER];
            try {
                while (true) {
                    FdSocket.Received received = server.receive(buffer);
                    if (received.length() == 0) {
                        break;
                    }
                    observer.fromServer(buffer, received.length());
                    client.send(buffer, received.length(), -1);
                }
            } catch (SwtpmControlException e) {
                LOG.debug("swtpm side ended: {}", e.getMessage());
            }
            close();
        }

        void close() {
            client.close();
            server.close();
            if (ended.compareAndSet(false, true)) {
                onEnd.run();
            }
        }
    }
}
