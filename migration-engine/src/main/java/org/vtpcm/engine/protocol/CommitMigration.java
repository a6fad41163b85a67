package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.manager.client.ManagerClientException;

/**
 * COMMITTED: the destination activates the staged vTPCM (STAGED -> RUNNING, domain persistent);
 * the source destroys its vTPCM and erases the state. Both are safe to repeat after a restart.
 */
final class CommitMigration implements PhaseStep {
    private static final java.time.Duration SOURCE_SETTLE = java.time.Duration.ofSeconds(60);
    private final Nodes nodes;

    CommitMigration(Nodes nodes) {
        this.nodes = requireNonNull(nodes, "nodes is null");
    }

    @Override
    public Phase phase() {
        return Phase.COMMITTED;
    }

    @Override
    public String intent(MigrationRun run) {
        return "commit on " + run.destinationName() + ", erase on " + run.source;
    }

    @Override
    public String run(MigrationRun run) {
        commitDestination(run);
        commitSource(run);
        return "vTPCM " + run.vtpcmId + " runs on " + run.destinationName() + " at epoch " + run.newEpoch() + "; erased on " + run.source;
    }

    /** The guest already runs at the destination; the source's libvirtd may still be closing its side of the job. */
    private void awaitSourceMigrationEnd(MigrationRun run) {
        long deadline = System.nanoTime() + SOURCE_SETTLE.toNanos();
        while (System.nanoTime() < deadline) {
            String status = nodes.vmMigration(run).path("status").asText();
            if (!"RUNNING".equals(status)) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the source to finish the VM migration");
            }
        }
        throw new IllegalStateException("the source's libvirtd did not finish the VM migration within " + SOURCE_SETTLE.toSeconds() + " s");
    }

    private void commitDestination(MigrationRun run) {
        try {
            nodes.post(run.destinationName(), run.id, "commit", nodes.vmBody(run.vmUuid));
        } catch (ManagerClientException e) {
            JsonNode row = nodes.client(run.destinationName()).vtpcm(run.vmUuid).path("vtpcm");
            boolean alreadyCommitted = "RUNNING".equals(row.path("state").asText()) && row.path("epoch").asLong() == run.newEpoch();
            if (!alreadyCommitted) {
                throw e;
            }
        }
    }

    private void commitSource(MigrationRun run) {
        awaitSourceMigrationEnd(run);
        try {
            nodes.post(run.source, run.id, "commit", nodes.vmBody(run.vmUuid));
        } catch (ManagerClientException e) {
            if (e.status() != 404) { // 404: no live vTPCM of the VM is left at the source, the commit already happened
                throw e;
            }
        }
    }
}
