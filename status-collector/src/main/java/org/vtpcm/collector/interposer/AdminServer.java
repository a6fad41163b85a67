package org.vtpcm.collector.interposer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.collector.swtpm.FdSocket;
import org.vtpcm.collector.swtpm.Poller;
import org.vtpcm.collector.swtpm.SwtpmControlException;

/**
 * The admin socket (mode 0600) on the event loop. It serves up to {@link #MAX_CONNECTIONS} clients at a
 * time; more wait in the kernel's queue (up to {@link #BACKLOG}) until one leaves or idles out, and the
 * client's deadline bounds that wait.
 */
final class AdminServer implements EventLoop.Member {
    static final int MAX_CONNECTIONS = 16;
    static final int BACKLOG = 64;
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    private final Path socketPath;
    private final FdSocket listener;
    private final EventLoop loop;
    private final AdminCommands commands;
    private final Watchers watchers;
    private final Set<AdminConnection> connections = new LinkedHashSet<>();

    AdminServer(Path socketPath, EventLoop loop, AdminCommands commands, Watchers watchers) {
        this.socketPath = socketPath;
        this.listener = FdSocket.listenNonBlocking(socketPath, BACKLOG);
        this.loop = loop;
        this.commands = commands;
        this.watchers = watchers;
        loop.add(this);
    }

    @Override
    public int fd() {
        return listener.fd();
    }

    @Override
    public short interest() {
        return connections.size() < MAX_CONNECTIONS ? Poller.IN : SKIP;
    }

    @Override
    public void ready(short revents) {
        try {
            Optional<FdSocket> next;
            while (connections.size() < MAX_CONNECTIONS && (next = listener.tryAccept()).isPresent()) {
                AdminConnection[] holder = new AdminConnection[1];
                holder[0] = new AdminConnection(next.get(), loop, commands, watchers, () -> connections.remove(holder[0]));
                connections.add(holder[0]);
                loop.add(holder[0]);
            }
        } catch (SwtpmControlException e) {
            LOG.warn("admin socket: accept failed: {}", e.getMessage());
        }
    }

    @Override
    public void failed(RuntimeException e) {
        LOG.error("admin socket stopped: {}", e.toString());
        listener.close();
    }

    /** At shutdown (the loop has stopped): closes every client and the listener, removes the socket file. */
    void close() {
        for (AdminConnection connection : List.copyOf(connections)) {
            connection.close();
        }
        listener.close();
        try {
            Files.deleteIfExists(socketPath);
        } catch (IOException e) {
            LOG.warn("could not remove the admin socket {}: {}", socketPath, e.getMessage());
        }
    }
}
