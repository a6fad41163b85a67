package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.engine.journal.MigrationJournal;
import org.vtpcm.manager.client.ManagerClientException;

/**
 * Undoes a migration that stopped before the switchover: the VM migration (if any) is aborted and
 * awaited, the destination's incoming vTPCM is destroyed, the source vTPCM returns to RUNNING.
 * Every call is safe to repeat; a destination that cannot be reached is left for the cleanup loop.
 */
final class Rollback {
    private static final Logger LOG = LoggerFactory.getLogger(Rollback.class);
    private static final Duration VM_SETTLE = Duration.ofSeconds(60);
    /** A manager's answer to a hook whose migration id is not its vTPCM's current migration. */
    static final String MIGRATION_MISMATCH = "MIGRATION_MISMATCH";

    private final Nodes nodes;
    private final MigrationJournal journal;

    Rollback(Nodes nodes, MigrationJournal journal) {
        this.nodes = requireNonNull(nodes, "nodes is null");
        this.journal = requireNonNull(journal, "journal is null");
    }

    /** What rolling back found. */
    enum Result { ROLLED_BACK, CLEANUP_PENDING, SWITCHED_OVER }

    Result run(MigrationRun run) {
        if (run.source != null && vmMigrationSwitchedOver(run)) {
            return Result.SWITCHED_OVER;
        }
        boolean destinationClean = run.destination == null || abortDestination(run);
        if (run.source != null) {
            nodes.post(run.source, run.id, "abort", nodes.vmBody(run.vmUuid));
        }
        if (!destinationClean) {
            journal.update(run.id, Map.of("cleanup_pending", 1));
            return Result.CLEANUP_PENDING;
        }
        return Result.ROLLED_BACK;
    }

    /**
     * Retried later for migrations marked cleanup_pending; true once the destination is clean. The abort names
     * this run's migration id (in its path), so the manager never applies a late clean-up to a later migration.
     */
    boolean abortDestination(MigrationRun run) {
        try {
            nodes.post(run.destinationName(), run.id, "abort", nodes.vmBody(run.vmUuid));
            return true;
        } catch (ManagerClientException e) {
            if (e.status() == 404) {
                return true; // nothing was prepared there, or it is already gone
            }
            if (e.status() == 409 && MIGRATION_MISMATCH.equals(e.code())) {
                return true; // the vTPCM there belongs to a later migration now: nothing of this one is left, and it is not ours to touch
            }
            LOG.warn("migration {}: cannot clean up on {} yet: {}", run.id, run.destinationName(), e.getMessage());
            return false;
        }
    }

    /** Aborts a running VM migration and waits for libvirt's verdict; true if it completed anyway. */
    private boolean vmMigrationSwitchedOver(MigrationRun run) {
        long deadline = System.nanoTime() + VM_SETTLE.toNanos();
        boolean abortSent = false;
        while (true) {
            JsonNode status;
            try {
                status = nodes.vmMigration(run);
            } catch (ManagerClientException e) {
                if (e.status() == 0 && System.nanoTime() < deadline) {
                    pause();
                    continue;
                }
                throw e;
            }
            switch (status.path("status").asText()) {
                case "COMPLETED" -> {
                    return true;
                }
                case "RUNNING" -> {
                    if (!abortSent) {
                        nodes.post(run.source, run.id, "migrate-vm/abort", nodes.body());
                        abortSent = true;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the VM migration did not stop within " + VM_SETTLE.toSeconds() + " s of its abort");
                    }
                    pause();
                }
                case "UNKNOWN" -> {
                    return run.destination != null && nodes.domainActive(run.destinationName(), run)
                            && !nodes.domainActive(run.source, run);
                }
                default -> {
                    return false; // FAILED: libvirt kept the VM at the source
                }
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rolling back");
        }
    }
}
