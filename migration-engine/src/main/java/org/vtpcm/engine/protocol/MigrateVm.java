package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.engine.journal.MigrationJournal;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.engine.journal.VmProgress;
import org.vtpcm.manager.client.ManagerClientException;

/**
 * VM_MIGRATING: the source manager live-migrates the VM with its local libvirtd, peer-to-peer
 * (TLS, multifd and compression as asked; paused at the destination for verify-before-resume). The
 * engine follows the job: progress into the journal; an abort request, a timeout, or a destination
 * manager lost before the switchover abort the libvirt job. COMPLETED is the switchover.
 */
final class MigrateVm implements PhaseStep {
    private static final Logger LOG = LoggerFactory.getLogger(MigrateVm.class);
    private static final Duration PROGRESS_EVERY = Duration.ofMillis(500);
    private static final Duration DESTINATION_CHECK_EVERY = Duration.ofSeconds(1);
    private static final Duration ABORT_WAIT = Duration.ofSeconds(60);

    private final Nodes nodes;
    private final MigrationJournal journal;
    private final Clock clock;
    private final Duration poll;
    private final Duration timeout;
    private final Duration destinationLossTolerance;

    MigrateVm(Nodes nodes, MigrationJournal journal, Clock clock, Duration poll, Duration timeout, Duration destinationLossTolerance) {
        this.nodes = requireNonNull(nodes, "nodes is null");
        this.journal = requireNonNull(journal, "journal is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.poll = requireNonNull(poll, "poll is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.destinationLossTolerance = requireNonNull(destinationLossTolerance, "destinationLossTolerance is null");
    }

    @Override
    public Phase phase() {
        return Phase.VM_MIGRATING;
    }

    @Override
    public String intent(MigrationRun run) {
        return "libvirt live migration " + run.source + " -> " + run.destinationName() + " (" + run.options + ")";
    }

    @Override
    public String run(MigrationRun run) {
        nodes.post(run.source, run.id, "migrate-vm", nodes.vmBody(run.vmUuid).put("destinationNode", run.destinationName())
                .put("destinationUri", run.destination.libvirt())
                .put("parallel", run.options.parallel()).put("compress", run.options.compress()).put("tls", run.options.tls())
                .put("paused", run.options.verifyBeforeResume()).put("bandwidthMiBs", run.options.bandwidthMiBs()));
        return follow(run);
    }

    /** Follows a VM migration already started (also after an engine restart) until it completes or fails. */
    String follow(MigrationRun run) {
        Instant start = clock.instant();
        Instant lastProgress = Instant.EPOCH;
        Instant lastDestinationCheck = clock.instant();
        Instant destinationLostSince = null;
        boolean abortSent = false;
        String abortReason = null;
        while (true) {
            JsonNode status = outgoing(run);
            String state = status.path("status").asText();
            switch (state) {
                case "COMPLETED" -> {
                    // the source's verdict, not the destination's arrival: if libvirt's Finish reply is lost, the source
                    // cancels and resumes its guest although the destination has it; under verify-before-resume the
                    // destination's copy then stays paused and is destroyed by the rollback: never two running guests
                    return switchedOver(run, status);
                }
                case "FAILED" -> throw new ProtocolRefusal(abortReason != null ? abortReason
                        : "the VM migration failed: " + status.path("error").asText());
                case "UNKNOWN" -> {
                    String verdict = judgeByPlacement(run);
                    if (verdict != null) {
                        return verdict;
                    }
                }
                default -> {
                    if (status.hasNonNull("confirmedAt")) {
                        return confirmed(run, status);
                    }
                }
            }
            Instant now = clock.instant();
            // libvirt 9.0 gives no byte counts for a running peer-to-peer job in the lab; progress then stays null
            if (Duration.between(lastProgress, now).compareTo(PROGRESS_EVERY) >= 0 && status.path("progress").path("dataTotal").asLong() > 0) {
                journal.progress(run.id, progress(status, now, start));
                lastProgress = now;
            }
            if (Duration.between(lastDestinationCheck, now).compareTo(DESTINATION_CHECK_EVERY) >= 0) {
                lastDestinationCheck = now;
                destinationLostSince = destinationReachable(run) ? null : destinationLostSince == null ? now : destinationLostSince;
            }
            if (!abortSent) {
                abortReason = abortReason(run, now, start, destinationLostSince);
                if (abortReason != null) {
                    LOG.warn("migration {}: aborting the VM migration: {}", run.id, abortReason);
                    abortJob(run);
                    abortSent = true;
                }
            } else if (Duration.between(start, now).compareTo(timeout.plus(ABORT_WAIT)) > 0) {
                throw new IllegalStateException("the VM migration did not stop after an abort; still at phase VM_MIGRATING");
            }
            sleep(poll);
        }
    }

    private String abortReason(MigrationRun run, Instant now, Instant start, Instant destinationLostSince) {
        if (run.abortRequested) {
            return "aborted by the operator";
        }
        if (Duration.between(start, now).compareTo(timeout) > 0) {
            return "the VM migration took longer than " + timeout.toSeconds() + " s";
        }
        if (destinationLostSince != null && Duration.between(destinationLostSince, now).compareTo(destinationLossTolerance) >= 0) {
            return "the destination manager on " + run.destinationName() + " became unreachable before the switchover";
        }
        return null;
    }

    private JsonNode outgoing(MigrationRun run) {
        try {
            return nodes.vmMigration(run);
        } catch (ManagerClientException e) {
            if (e.status() == 0) {
                // the source manager is down: the libvirt job goes on without it; keep following
                return nodes.body().put("status", "RUNNING");
            }
            throw e;
        }
    }

    private String switchedOver(MigrationRun run, JsonNode status) {
        run.switchedOver = true;
        Instant started = status.hasNonNull("startedAt") ? Instant.parse(status.path("startedAt").asText()) : clock.instant();
        run.vmMigrationCompletedAt = started.plusMillis(status.path("wallMillis").asLong());
        if (status.hasNonNull("suspendedAt")) {
            run.sourceSuspendedAt = Instant.parse(status.path("suspendedAt").asText());
        }
        journal.update(run.id, Map.of("switched_over", 1));
        journal.progress(run.id, null);
        return "the VM moved to " + run.destinationName() + " in " + status.path("wallMillis").asLong() + " ms (switchover)";
    }

    /**
     * The source's libvirtd has decided that the migration succeeded (its Confirm phase) and is
     * stopping QEMU there: the guest can no longer resume at the source, so this is the switchover,
     * 1-2 s before the migrate call returns. The commit still waits for the source to finish.
     */
    private String confirmed(MigrationRun run, JsonNode status) {
        run.switchedOver = true;
        run.vmMigrationCompletedAt = clock.instant();
        if (status.hasNonNull("suspendedAt")) {
            run.sourceSuspendedAt = Instant.parse(status.path("suspendedAt").asText());
        }
        journal.update(run.id, Map.of("switched_over", 1));
        journal.progress(run.id, null);
        return "the VM moved to " + run.destinationName() + " (switchover confirmed by the source's libvirtd after "
                + status.path("wallMillis").asLong() + " ms; it is still stopping QEMU there)";
    }

    /** No record at the source (its manager restarted): where the domain runs tells what happened; null while unclear. */
    private String judgeByPlacement(MigrationRun run) {
        boolean destinationActive = nodes.domainActive(run.destinationName(), run);
        boolean sourceActive = nodes.domainActive(run.source, run);
        if (destinationActive && !sourceActive) {
            run.switchedOver = true;
            run.vmMigrationCompletedAt = clock.instant();
            journal.update(run.id, Map.of("switched_over", 1));
            return "the VM is at " + run.destinationName() + " (judged by placement after a restart)";
        }
        if (sourceActive && !destinationActive) {
            throw new ProtocolRefusal("the VM migration did not complete: the VM still runs at " + run.source);
        }
        return null; // both active: the job still runs; neither: wait for libvirt to settle
    }

    private boolean destinationReachable(MigrationRun run) {
        try {
            nodes.client(run.destinationName()).node();
            return true;
        } catch (ManagerClientException e) {
            return e.status() != 0;
        }
    }

    private void abortJob(MigrationRun run) {
        try {
            nodes.post(run.source, run.id, "migrate-vm/abort", nodes.body());
        } catch (ManagerClientException e) {
            LOG.warn("migration {}: abort of the VM migration failed: {}", run.id, e.getMessage());
        }
    }

    private static VmProgress progress(JsonNode status, Instant now, Instant start) {
        JsonNode progress = status.path("progress");
        long total = progress.path("dataTotal").asLong();
        long processed = progress.path("dataProcessed").asLong();
        long remaining = progress.path("dataRemaining").asLong();
        long elapsed = Math.max(1, progress.path("elapsedMillis").asLong(Duration.between(start, now).toMillis()));
        long rate = processed * 1000 / elapsed;
        Long eta = rate > 0 ? Long.valueOf(remaining / rate) : null;
        return new VmProgress(total, processed, remaining, rate, eta);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while following the VM migration");
        }
    }
}
