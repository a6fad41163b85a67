package org.vtpcm.manager.migration;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.nodeapi.BundleStatus;

/**
 * Source: exports the FROZEN vTPCM's state (sealed for the destination) and pushes it to the
 * destination manager directly, which stages it: either while the caller waits, or in the
 * background while the VM's memory pre-copy runs (the protocol's default: the push then costs no
 * wall time). If a push fails, the vTPCM stays MIGRATING_OUT; a repeated send pushes the same
 * sealed bundle again, and the engine aborts the migration if the VM has not switched over yet.
 */
public final class BundlePush implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BundlePush.class);
    private static final int KEPT = 256;

    private final StateTransferHooks transfer;
    private final BundleSender sender;
    private final Map<UUID, BundleStatus> pushes = new LinkedHashMap<>();
    private final ExecutorService workers = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "bundle-push");
        thread.setDaemon(true);
        return thread;
    });

    public BundlePush(StateTransferHooks transfer, BundleSender sender) {
        this.transfer = requireNonNull(transfer, "transfer is null");
        this.sender = requireNonNull(sender, "sender is null");
    }

    /** The transfer's figures and the epoch the bundle carries. */
    public record Pushed(BundleSender.Report report, long epoch) {
    }

    /** A push begun in the background: the sealed bundle's size, its epoch, how long sealing took, and the push's status. */
    public record Started(long bundleBytes, long epoch, long sealMillis, BundleStatus status) {
    }

    public Pushed push(UUID migrationId, UUID vmUuid, String destinationNode, URI destinationManager, byte[] nonce,
            PublicKey destinationEphemeral, int streams) {
        StateTransferHooks.Exported exported = transfer.export(migrationId, vmUuid, destinationNode, nonce, destinationEphemeral);
        BundleSender.Report report = sender.send(destinationManager, migrationId, exported.bundle(), streams);
        record(migrationId, staged(report));
        return new Pushed(report, exported.epoch());
    }

    /**
     * Seals now (the vTPCM is MIGRATING_OUT when this returns) and pushes in the background. A push of
     * the migration still running or already staged is not begun again. Without the destination's
     * ephemeral key (null), pushes the bundle sealed earlier in the migration again.
     */
    public Started pushInBackground(UUID migrationId, UUID vmUuid, String destinationNode, URI destinationManager, byte[] nonce,
            PublicKey destinationEphemeral, int streams) {
        long start = System.nanoTime();
        StateTransferHooks.Exported exported = destinationEphemeral == null ? transfer.sealedAgain(migrationId, vmUuid, destinationNode)
                : transfer.export(migrationId, vmUuid, destinationNode, nonce, destinationEphemeral);
        long sealMillis = (System.nanoTime() - start) / 1_000_000;
        BundleStatus pushing = new BundleStatus(BundleStatus.State.PUSHING, exported.bundle().length, 0, 0, 0, null);
        synchronized (pushes) {
            BundleStatus current = pushes.get(migrationId);
            if (current != null && !current.failed()) {
                return new Started(exported.bundle().length, exported.epoch(), sealMillis, current);
            }
            record(migrationId, pushing);
        }
        workers.execute(() -> {
            try {
                record(migrationId, staged(sender.send(destinationManager, migrationId, exported.bundle(), streams)));
            } catch (RuntimeException e) {
                LOG.warn("migration {}: the bundle push to {} failed: {}", migrationId, destinationNode, e.getMessage());
                record(migrationId, new BundleStatus(BundleStatus.State.FAILED, exported.bundle().length, 0, 0, 0, e.getMessage()));
            }
        });
        return new Started(exported.bundle().length, exported.epoch(), sealMillis, pushing);
    }

    /** The last push of the migration from this node, if this manager made one since it started. */
    public Optional<BundleStatus> status(UUID migrationId) {
        synchronized (pushes) {
            return Optional.ofNullable(pushes.get(migrationId));
        }
    }

    private static BundleStatus staged(BundleSender.Report report) {
        return new BundleStatus(BundleStatus.State.STAGED, report.bundleBytes(), report.chunks(), report.retries(), report.millis(), null);
    }

    private void record(UUID migrationId, BundleStatus status) {
        synchronized (pushes) {
            pushes.remove(migrationId);
            pushes.put(migrationId, status);
            if (pushes.size() > KEPT) {
                pushes.remove(pushes.keySet().iterator().next());
            }
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
