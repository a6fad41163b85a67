package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.engine.hosts.NodeDirectory;
import org.vtpcm.engine.journal.MigrationJournal;
import org.vtpcm.engine.journal.MigrationRecord;
import org.vtpcm.engine.metrics.EngineMetrics;

/**
 * Accepts migrations, runs them on a bounded pool (more wait in REQUESTED), never two of one VM
 * (the journal refuses it), recovers unfinished ones at start, and retries pending clean-ups.
 */
public final class MigrationCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationCoordinator.class);
    private static final long CLEANUP_EVERY_SECONDS = 15;

    private final MigrationJournal journal;
    private final NodeDirectory nodes;
    private final MigrationOpener opener;
    private final NovaHooks nova;
    private final boolean allowPlaintext;
    private final MigrationRunner runner;
    private final Rollback rollback;
    private final HostSlots slots;
    private final EngineMetrics metrics;
    private final ExecutorService workers;
    private final ScheduledExecutorService cleanup = Executors.newSingleThreadScheduledExecutor(daemon("migration-cleanup"));
    private final Map<UUID, ActiveRun> running = new ConcurrentHashMap<>();

    MigrationCoordinator(MigrationJournal journal, NodeDirectory nodes, MigrationOpener opener, MigrationRunner runner, Rollback rollback,
            HostSlots slots, EngineMetrics metrics, int maxConcurrent, NovaHooks nova, boolean allowPlaintext) {
        this.journal = requireNonNull(journal, "journal is null");
        this.nodes = requireNonNull(nodes, "nodes is null");
        this.opener = requireNonNull(opener, "opener is null");
        this.nova = requireNonNull(nova, "nova is null");
        this.allowPlaintext = allowPlaintext;
        this.runner = requireNonNull(runner, "runner is null");
        this.rollback = requireNonNull(rollback, "rollback is null");
        this.slots = requireNonNull(slots, "slots is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.workers = Executors.newFixedThreadPool(maxConcurrent, daemon("migration"));
    }

    /** Records the migration (REQUESTED) and starts it; answers at once. */
    public MigrationRecord start(MigrationRequest request) {
        if (!request.tls() && !allowPlaintext) {
            throw new PolicyRefusedException(400, PolicyRefusedException.PLAINTEXT_REFUSED, "a migration without TLS would carry the "
                    + "vTPCM's state in clear; this engine refuses it (migration.allow-plaintext=false)");
        }
        ActiveRun run = opener.open(request);
        metrics.started();
        submit(run, () -> runner.runNew(run, slots));
        return journal.find(run.id()).orElseThrow();
    }

    /** Asks a running migration to roll back; one Nova drives is rolled back at once (before its switchover). */
    public MigrationRecord abort(UUID id) {
        MigrationRecord record = journal.find(id).orElseThrow(() -> new UnknownMigrationException("no migration " + id));
        ActiveRun run = running.get(id);
        if (record.isActive() && run == null) {
            Optional<MigrationRecord> novaRun = nova.abortByOperator(id);
            if (novaRun.isPresent()) {
                return novaRun.get();
            }
        }
        if (!record.isActive() || run == null) {
            throw new PastSwitchoverException("migration " + id + " has ended (" + record.phase() + ")");
        }
        if (!run.requestAbort()) {
            throw new PastSwitchoverException("migration " + id + " is past the switchover; it can only complete");
        }
        LOG.info("migration {}: abort requested", id);
        return journal.find(id).orElseThrow();
    }

    public Optional<MigrationRecord> find(UUID id) {
        return journal.find(id);
    }

    public List<MigrationRecord> list(boolean activeOnly, int limit) {
        return journal.list(activeOnly, limit);
    }

    /** Migrations involving the host now (holding a slot). */
    public int activeMigrations(String host) {
        return slots.inUse(host);
    }

    public int migrationLimit(String host) {
        return slots.limit(host);
    }

    /** At start: every migration the journal shows unfinished is resumed or rolled back; clean-ups retried from then on. */
    public void recover() {
        metrics.seed(journal.countsByOutcome());
        for (MigrationRecord record : journal.active()) {
            ActiveRun run = new ActiveRun(MigrationContext.fromRecord(record, Optional.ofNullable(record.destination()).flatMap(nodes::host)));
            metrics.started();
            submit(run, () -> runner.recover(record, run));
        }
        cleanup.scheduleWithFixedDelay(this::retryCleanups, CLEANUP_EVERY_SECONDS, CLEANUP_EVERY_SECONDS, TimeUnit.SECONDS);
        cleanup.scheduleWithFixedDelay(this::expireNovaRuns, CLEANUP_EVERY_SECONDS, CLEANUP_EVERY_SECONDS, TimeUnit.SECONDS);
    }

    private void retryCleanups() {
        try {
            for (MigrationRecord record : journal.cleanupPending()) {
                MigrationContext context = MigrationContext.fromRecord(record, nodes.host(record.destination()));
                if (context.destination() != null && rollback.abortDestination(context)) {
                    journal.cleanupPending(record.id(), false);
                    LOG.info("migration {}: clean-up on {} done", record.id(), record.destination());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("clean-up round failed: {}", e.getMessage());
        }
    }

    private void expireNovaRuns() {
        try {
            nova.expireStale();
        } catch (RuntimeException e) {
            LOG.warn("expiring stale Nova-driven migrations failed: {}", e.getMessage());
        }
    }

    private void submit(ActiveRun run, Runnable work) {
        running.put(run.id(), run);
        workers.execute(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                LOG.error("migration {}: unexpected error: {}", run.id(), e.toString());
            } finally {
                slots.releaseHeld();
                running.remove(run.id());
            }
        });
    }

    @Override
    public void close() {
        cleanup.shutdownNow();
        workers.shutdownNow();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
