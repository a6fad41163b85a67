package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.engine.journal.MigrationJournal;
import org.vtpcm.engine.journal.MigrationRecord;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.engine.journal.PhaseTiming;
import org.vtpcm.engine.metrics.EngineMetrics;
import org.vtpcm.engine.receipt.Receipt;
import org.vtpcm.engine.receipt.ReceiptSigner;
import org.vtpcm.manager.client.ManagerClientException;

/**
 * Drives one migration through the phases, write-ahead: the journal records each phase as begun
 * before its side effect and done after it. A failure before the switchover rolls back; after it
 * the migration only rolls forward (retrying until the nodes answer), except when the state that
 * arrived is not the state that left, which fails it and leaves the VM paused for the operator.
 */
final class MigrationRunner {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationRunner.class);
    private static final Duration ROLL_FORWARD_RETRY = Duration.ofSeconds(2);

    private final MigrationJournal journal;
    private final List<PhaseStep> beforeSwitchover;
    private final MigrateVm migrateVm;
    private final VerifyState verify;
    private final CommitMigration commit;
    private final Rollback rollback;
    private final ReceiptSigner receipts;
    private final EngineMetrics metrics;
    private final Clock clock;

    MigrationRunner(MigrationJournal journal, List<PhaseStep> beforeSwitchover, MigrateVm migrateVm, VerifyState verify,
            CommitMigration commit, Rollback rollback, ReceiptSigner receipts, EngineMetrics metrics, Clock clock) {
        this.journal = requireNonNull(journal, "journal is null");
        this.beforeSwitchover = List.copyOf(beforeSwitchover);
        this.migrateVm = requireNonNull(migrateVm, "migrateVm is null");
        this.verify = requireNonNull(verify, "verify is null");
        this.commit = requireNonNull(commit, "commit is null");
        this.rollback = requireNonNull(rollback, "rollback is null");
        this.receipts = requireNonNull(receipts, "receipts is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Runs a new migration from TARGET_SELECTED on. */
    void runNew(MigrationRun run, HostSlots slots) {
        try {
            for (PhaseStep step : beforeSwitchover) {
                runStep(run, step);
                if (step.phase() == Phase.TARGET_SELECTED) {
                    slots.acquire(run.source, run.destinationName());
                }
            }
            runStep(run, migrateVm);
        } catch (RuntimeException e) {
            if (!run.switchedOver) {
                rollBack(run, e);
                return;
            }
        }
        rollForward(run);
    }

    /** Resumes a migration found unfinished in the journal at start. */
    void recover(MigrationRecord record, MigrationRun run) {
        LOG.info("migration {}: recovering from {} (switched over: {})", run.id, record.phase(), run.switchedOver);
        if (!run.switchedOver && record.phase() == Phase.VM_MIGRATING) {
            try {
                done(run, migrateVm, migrateVm.follow(run));
            } catch (RuntimeException e) {
                if (!run.switchedOver) {
                    rollBack(run, e);
                    return;
                }
            }
        } else if (!run.switchedOver && record.phase() != Phase.VERIFIED) {
            rollBack(run, new ProtocolRefusal("the engine restarted during " + record.phase() + ", before the switchover"));
            return;
        }
        rollForward(run);
    }

    /** Asks a running migration to stop; false once past the switchover. */
    static boolean requestAbort(MigrationRun run) {
        if (run.switchedOver) {
            return false;
        }
        run.abortRequested = true;
        return true;
    }

    /** One phase, write-ahead, for callers that run phases on someone else's schedule (Nova's hooks). */
    void runPhase(MigrationRun run, PhaseStep step) {
        runStep(run, step);
    }

    /** Rolls back now (before the switchover), ending the migration; Nova's hooks report the reason. */
    void rollBackNow(MigrationRun run, RuntimeException cause) {
        rollBack(run, cause);
    }

    /**
     * After the switchover, once: verify, commit, receipt. A state mismatch ends the migration FAILED
     * and is rethrown; an unreachable node leaves it active (switched over) for a retry or for recovery.
     */
    void finishOnce(MigrationRun run) {
        try {
            if (journal.find(run.id).orElseThrow().phase() != Phase.COMMITTED) {
                runStep(run, verify);
                runStep(run, commit);
            }
            finishCommitted(run);
        } catch (StateMismatchException e) {
            end(run, Phase.FAILED, e.getMessage());
            throw e;
        }
    }

    private void runStep(MigrationRun run, PhaseStep step) {
        if (run.abortRequested && !run.switchedOver) {
            throw new ProtocolRefusal("aborted by the operator");
        }
        journal.begin(run.id, step.phase(), step.intent(run));
        LOG.info("migration {}: {} begins: {}", run.id, step.phase(), step.intent(run));
        done(run, step, step.run(run));
    }

    private void done(MigrationRun run, PhaseStep step, String detail) {
        journal.done(run.id, step.phase(), detail);
        LOG.info("migration {}: {} done: {}", run.id, step.phase(), detail);
        timing(run, step.phase());
    }

    private void rollForward(MigrationRun run) {
        while (true) {
            try {
                if (journal.find(run.id).orElseThrow().phase() != Phase.COMMITTED) {
                    runStep(run, verify);
                    runStep(run, commit);
                }
                finishCommitted(run);
                return;
            } catch (StateMismatchException e) {
                end(run, Phase.FAILED, e.getMessage());
                return;
            } catch (ManagerClientException | IllegalStateException e) {
                LOG.warn("migration {}: past the switchover, retrying in {} s: {}", run.id, ROLL_FORWARD_RETRY.toSeconds(), e.getMessage());
                journal.update(run.id, Map.of("reason", "rolling forward, waiting: " + e.getMessage()));
                try {
                    Thread.sleep(ROLL_FORWARD_RETRY.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    LOG.warn("migration {}: engine stopping; recovery will roll it forward at the next start", run.id);
                    return;
                }
            }
        }
    }

    /** Signs the receipt first, then ends the migration: a COMMITTED migration always has its receipt. */
    private void finishCommitted(MigrationRun run) {
        MigrationRecord record = journal.find(run.id).orElseThrow();
        Map<String, Long> phases = new LinkedHashMap<>();
        for (PhaseTiming timing : record.phases()) {
            if (!timing.phase().isEnd() || timing.phase() == Phase.COMMITTED) {
                phases.put(timing.phase().name(), timing.millis() == null ? 0 : timing.millis());
            }
        }
        long downtime = record.downtimeMillis() == null ? -1 : record.downtimeMillis();
        long total = Duration.between(record.createdAt(), clock.instant()).toMillis();
        receipts.sign(new Receipt(run.id, run.vmUuid, run.vtpcmId, run.source, run.destinationName(), run.digestLeft, run.digestArrived,
                run.newEpoch(), phases, total, downtime, run.qemuDowntimeMillis, run.verificationPauseMillis, clock.instant().toString()));
        journal.update(run.id, Map.of("reason", ""));
        end(run, Phase.COMMITTED, null);
        if (downtime >= 0) {
            metrics.downtime(Duration.ofMillis(downtime));
        }
    }

    private void rollBack(MigrationRun run, RuntimeException cause) {
        if (Thread.currentThread().isInterrupted()) {
            LOG.warn("migration {}: engine stopping during {}; recovery will finish it at the next start", run.id, cause.getMessage());
            return;
        }
        String reason = cause instanceof ProtocolRefusal ? cause.getMessage() : "stopped by an error: " + cause.getMessage();
        LOG.warn("migration {}: rolling back: {}", run.id, reason);
        Rollback.Result result;
        try {
            result = rollback.run(run);
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                LOG.warn("migration {}: engine stopping during the rollback; recovery will finish it at the next start", run.id);
                return;
            }
            end(run, Phase.FAILED, reason + "; the rollback failed too: " + e.getMessage());
            return;
        }
        switch (result) {
            case SWITCHED_OVER -> {
                run.switchedOver = true;
                journal.update(run.id, Map.of("switched_over", 1));
                rollForward(run);
            }
            case CLEANUP_PENDING -> end(run, Phase.ROLLED_BACK, reason + "; the VM and its vTPCM run at " + run.source
                    + "; clean-up on " + run.destinationName() + " is pending (its manager is unreachable)");
            default -> end(run, Phase.ROLLED_BACK, reason + (run.source == null ? "" : "; the VM and its vTPCM run at " + run.source));
        }
    }

    private void end(MigrationRun run, Phase outcome, String reason) {
        journal.end(run.id, outcome, reason);
        metrics.ended(outcome);
        LOG.info("migration {}: {}{}", run.id, outcome, reason == null ? "" : ": " + reason);
    }

    private void timing(MigrationRun run, Phase phase) {
        journal.find(run.id).flatMap(record -> record.phases().stream().filter(t -> t.phase() == phase && t.millis() != null).findFirst())
                .ifPresent(timing -> metrics.phase(phase, Duration.ofMillis(timing.millis())));
    }
}
