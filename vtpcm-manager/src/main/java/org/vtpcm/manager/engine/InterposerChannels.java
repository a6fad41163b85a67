package org.vtpcm.manager.engine;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.collector.interposer.ChannelReport;
import org.vtpcm.collector.interposer.InterposerClient;
import org.vtpcm.collector.interposer.InterposerException;
import org.vtpcm.collector.interposer.NodeInterposerLauncher;
import org.vtpcm.collector.swtpm.StateBlobType;
import org.vtpcm.nodeapi.StateEvidence;

/**
 * The node's interposer service through its admin socket. {@link #open()} makes sure it runs: the
 * one already running (it outlives manager restarts, so running VMs keep their control channels),
 * or a new one started detached from the manager.
 */
public final class InterposerChannels implements ControlChannels {
    private static final Logger LOG = LoggerFactory.getLogger(InterposerChannels.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path adminSocket;
    private final Path runDirectory;
    private final Path logFile;
    private final String suite;
    private final InterposerClient client;

    public InterposerChannels(Path runDirectory, Path logFile, String suite) {
        this.runDirectory = requireNonNull(runDirectory, "runDirectory is null").toAbsolutePath();
        this.adminSocket = this.runDirectory.resolve("interposer.sock");
        this.logFile = requireNonNull(logFile, "logFile is null");
        this.suite = requireNonNull(suite, "suite is null");
        this.client = new InterposerClient(adminSocket);
    }

    @Override
    public long open() {
        long pid = NodeInterposerLauncher.ensureRunning(adminSocket, runDirectory, suite, runDirectory.resolve("interposer.pid"), logFile,
                START_TIMEOUT);
        LOG.info("control-channel interposer of this node: pid {}, {}", pid, adminSocket);
        return pid;
    }

    @Override
    public void serve(UUID vtpcmId, Path listen, Path engine) {
        client.serve(vtpcmId, listen, engine);
    }

    @Override
    public void forget(UUID vtpcmId) {
        client.forget(vtpcmId);
    }

    @Override
    public StateEvidence evidence(UUID vtpcmId) {
        try {
            return client.report(vtpcmId).map(InterposerChannels::evidence).orElse(StateEvidence.none());
        } catch (InterposerException e) {
            LOG.warn("no report from the interposer for vtpcm {}: {}", vtpcmId, e.getMessage());
            return StateEvidence.none();
        }
    }

    static StateEvidence evidence(ChannelReport report) {
        return new StateEvidence(report.fetchedDigest(), types(report.fetchedTypes()), report.loadedDigest(), types(report.loadedTypes()),
                report.inSync());
    }

    private static String types(List<StateBlobType> types) {
        return types.stream().map(Enum::name).collect(Collectors.joining(","));
    }
}
