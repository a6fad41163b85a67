package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
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
import org.vtpcm.engine.hosts.NodeClients;
import org.vtpcm.engine.hosts.VtpcmLocator;
import org.vtpcm.engine.journal.MigrationJournal;
import org.vtpcm.engine.journal.MigrationOptions;
import org.vtpcm.engine.journal.MigrationRecord;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.engine.metrics.EngineMetrics;

/**
 * Accepts migrations, runs them on a bounded pool (more wait in REQUESTED), never two of one VM
 * (the journal refuses it), recovers unfinished ones at start, and retries pending clean-ups.
 */
public final class MigrationCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationCoordinator.class);
    private static final long CLEANUP_EVERY_SECONDS = 15;

    private final MigrationJournal journal;
    private final NodeClients nodes;
    private final VtpcmLocator locator;
    private final MigrationRunner runner;
    private final Rollback rollback;
    private final HostSlots slots;
    private final EngineMetrics metrics;
    private final ExecutorService workers;
    private final ScheduledExecutorService cleanup = Executors.newSingleThreadScheduledExecutor(daemon("migration-cleanup"));
    private final Map<UUID, MigrationRun> running = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    MigrationCoordinator(MigrationJournal journal, NodeClients nodes, VtpcmLocator locator, MigrationRunner runner, Rollback rollback,
            HostSlots slots, EngineMetrics metrics, int maxConcurrent) {
        this.journal = requireNonNull(journal, "journal is null");
        this.nodes = requireNonNull(nodes, "nodes is null");
        this.locator = requireNonNull(locator, "locator is null");
        this.runner = requireNonNull(runner, "runner is null");
        this.rollback = requireNonNull(rollback, "rollback is null");
        this.slots = requireNonNull(slots, "slots is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.workers = Executors.newFixedThreadPool(maxConcurrent, daemon("migration"));
    }

    /** Records the migration (REQUESTED) and starts it; answers at once. */
    public MigrationRecord start(MigrationRequest request) {
        MigrationRun run = open(request);
        metrics.started();
        submit(run, () -> runner.runNew(run, slots));
        return journal.find(run.id).orElseThrow();
    }

    /** Journals a new migration of the VM's live, RUNNING vTPCM as REQUESTED; the caller runs it. */
    MigrationRun open(MigrationRequest request) {
        JsonNode vtpcm = locator.find(request.vm()).orElseThrow(() -> new UnknownVmException("no node holds a live vTPCM for VM '"
                + request.vm() + "'"));
        String state = vtpcm.path("state").asText();
        if (!"RUNNING".equals(state)) {
            throw new org.vtpcm.engine.journal.VmAlreadyMigratingException("the vTPCM of VM '" + request.vm() + "' is " + state
                    + " on " + vtpcm.path("host").asText() + ", not RUNNING: it is migrating or its VM is stopped");
        }
        UUID id = UUID.randomUUID();
        byte[] nonce = new byte[32];
        random.nextBytes(nonce);
        UUID vmUuid = UUID.fromString(vtpcm.path("vmUuid").asText());
        MigrationOptions options = new MigrationOptions(request.strategy(), request.parallel(), request.compress(), request.tls(),
                request.verifyBeforeResume(), request.bandwidthMiBs());
        journal.create(id, HexFormat.of().formatHex(nonce), vmUuid, options);
        MigrationRun run = new MigrationRun(id, nonce, vmUuid, options, request.to());
        run.vmName = vtpcm.path("vmName").asText();
        run.vtpcmId = UUID.fromString(vtpcm.path("vtpcmId").asText());
        run.source = vtpcm.path("host").asText();
        run.sourceEpoch = vtpcm.path("epoch").asLong();
        run.policy = vtpcm.path("policy").asText("deny");
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("vm_name", run.vmName);
        facts.put("vtpcm_id", run.vtpcmId);
        facts.put("source", run.source);
        facts.put("epoch", run.newEpoch());
        journal.update(id, facts);
        journal.done(id, Phase.REQUESTED, "vm " + run.vmName + " with vTPCM " + run.vtpcmId + " on " + run.source);
        LOG.info("migration {}: requested for vm {} on {} ({})", id, run.vmName, run.source, options);
        return run;
    }

    /** Asks a running migration to roll back. */
    public MigrationRecord abort(UUID id) {
        MigrationRecord record = journal.find(id).orElseThrow(() -> new UnknownMigrationException("no migration " + id));
        MigrationRun run = running.get(id);
        if (!record.isActive() || run == null) {
            throw new PastSwitchoverException("migration " + id + " has ended (" + record.phase() + ")");
        }
        if (!MigrationRunner.requestAbort(run)) {
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
            MigrationRun run = MigrationRun.fromRecord(record, Optional.ofNullable(record.destination()).flatMap(nodes::host));
            run.policy = "deny";
            metrics.started();
            submit(run, () -> runner.recover(record, run));
        }
        cleanup.scheduleWithFixedDelay(this::retryCleanups, CLEANUP_EVERY_SECONDS, CLEANUP_EVERY_SECONDS, TimeUnit.SECONDS);
    }

    private void retryCleanups() {
        try {
            for (MigrationRecord record : journal.cleanupPending()) {
                MigrationRun run = MigrationRun.fromRecord(record, nodes.host(record.destination()));
                if (rollback.abortDestination(run)) {
                    journal.update(record.id(), Map.of("cleanup_pending", 0));
                    LOG.info("migration {}: clean-up on {} done", record.id(), record.destination());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("clean-up round failed: {}", e.getMessage());
        }
    }

    private void submit(MigrationRun run, Runnable work) {
        running.put(run.id, run);
        workers.execute(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                LOG.error("migration {}: unexpected error: {}", run.id, e.toString());
            } finally {
                slots.releaseHeld();
                running.remove(run.id);
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
