package org.vtpcm.collector.interposer;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.collector.swtpm.StateBlobDigest;
import org.vtpcm.collector.swtpm.StateBlobType;
import org.vtpcm.collector.swtpm.SwtpmControlException;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.protocol.state.StateDigest;

/**
 * The node's control-channel interposer service: every vTPCM's control channel on this node, relayed
 * by one event-loop thread, driven through the admin socket ({@link InterposerClient}). It runs as its
 * own process ({@link NodeInterposerMain}) so that a manager crash or restart never cuts a running VM's
 * control channel; the benchmark and tests also run it in-process.
 */
public final class NodeInterposer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeInterposer.class);

    private final Path adminSocket;
    private final EventLoop loop;
    private final ChannelRegistry registry;
    private final AdminServer admin;
    private boolean closed;

    private NodeInterposer(Path adminSocket, EventLoop loop, ChannelRegistry registry, AdminServer admin) {
        this.adminSocket = adminSocket;
        this.loop = loop;
        this.registry = registry;
        this.admin = admin;
    }

    /**
     * Listens at {@code adminSocket} (mode 0600) and serves channels whose listen paths are inside
     * {@code runDir}. IllegalArgumentException for a run dir that is not a directory, InterposerException
     * when the admin socket cannot be bound.
     */
    public static NodeInterposer start(Path adminSocket, Path runDir, CryptoSuite suite) {
        requireNonNull(adminSocket, "adminSocket is null");
        requireNonNull(runDir, "runDir is null");
        requireNonNull(suite, "suite is null");
        if (!Files.isDirectory(runDir)) {
            throw new IllegalArgumentException("run dir " + runDir + " is not a directory");
        }
        ListenPolicy policy;
        try {
            policy = new ListenPolicy(runDir, adminSocket);
        } catch (IOException e) {
            throw new IllegalArgumentException("run dir " + runDir + " cannot be resolved: " + e.getMessage(), e);
        }
        warmUp(suite);
        EventLoop loop = new EventLoop("node-interposer");
        Watchers watchers = new Watchers();
        ChannelRegistry registry = new ChannelRegistry(policy, new Channel.Context(loop, suite, watchers, Clock.systemUTC()));
        AdminServer admin;
        try {
            admin = new AdminServer(adminSocket.toAbsolutePath(), loop, new AdminCommands(registry, ProcessHandle.current().pid()), watchers);
        } catch (SwtpmControlException e) {
            loop.close();
            throw new InterposerException("node interposer: " + e.getMessage(), e);
        }
        loop.start();
        LOG.info("node interposer: admin socket {}, channels inside {}, {} digests", adminSocket, policy.runDir(), suite.name());
        return new NodeInterposer(adminSocket, loop, registry, admin);
    }

    /**
     * Loads and runs the digest and event-encoding code once, so that the first switchover does not pay
     * for class loading while QEMU waits for its state blobs (about 30 ms measured, with C1 only).
     */
    private static void warmUp(CryptoSuite suite) {
        StateDigest digest = StateBlobDigest.of(suite, Map.of(StateBlobType.PERMANENT, new byte[64]));
        ChannelReport report = new ChannelReport(new UUID(0, 0), "/", "/", false, 0, true, 0, digest, List.of(StateBlobType.PERMANENT),
                StateDigest.NONE, List.of());
        InterposerJson.line(new ChannelEvent(report.vtpcmId(), ChannelEvent.Kind.STATE_FETCHED, report, 0));
    }

    public Path adminSocket() {
        return adminSocket;
    }

    /** Stops relaying: closes every channel and connection, the admin socket, and removes the socket files. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.close();
        registry.closeAll();
        admin.close();
        LOG.info("node interposer stopped");
    }
}
