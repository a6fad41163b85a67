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
import org.vtpcm.nodeapi.ManagerClientException;

/**
 * Drives one migration through the phases, write-ahead: the journal records each phase as begun
 * before its side effect and done after it. A failure before the switchover rolls back; after it
 * the migration only rolls forward (retrying until the nodes answer), except when the state that
 * arrived is not the state that left, which fails it and leaves the VM paused for the operator.
 */
final class MigrationRunner {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationRunner.class);
    static final Duration ROLL_FORWARD_RETRY = Duration.ofSeconds(2);

    /** The phases in protocol order. */
    record Phases(List<PhaseStep> beforeSwitchover, MigrateVm migrateVm, VerifyState verify, CommitMigration commit) {
        Phases {
            beforeSwitchover = List.copyOf(beforeSwitchover);
            requireNonNull(migrateVm, "migrateVm is null");
            requireNonNull(verify, "verify is null");
            requireNonNull(commit, "commit is null");
        }
    }

    private final MigrationJournal journal;
    private final Phases phases;
    private final Rollback rollback;
    private final Switchovers switchovers;
    private final ReceiptSigner receipts;
    private final EngineMetrics metrics;
    private final Clock clock;
    private final Pacer pacer;

    MigrationRunner(MigrationJournal journal, Phases phases, Rollback rollback, Switchovers switchovers, ReceiptSigner receipts,
            EngineMetrics metrics, Clock clock, Pacer pacer) {
        this.journal = requireNonNull(journal, "journal is null");
        this.phases = requireNonNull(phases, "phases is null");
        this.rollback = requireNonNull(rollback, "rollback is null");
        this.switchovers = requireNonNull(switchovers, "switchovers is null");
        this.receipts = requireNonNull(receipts, "receipts is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.pacer = requireNonNull(pacer, "pacer is null");
    }

    /** Runs a new migration from TARGET_SELECTED on. */
    void runNew(ActiveRun run, HostSlots slots) {
        try {
            for (PhaseStep step : phases.beforeSwitchover()) {
                runStep(run, step);
                if (step.phase() == Phase.TARGET_SELECTED) {
                    slots.acquire(run.context().sourceHost(), run.context().destinationName());
                }
            }
            runStep(run, phases.migrateVm());
        } catch (RuntimeException e) {
            if (!run.context().switchedOver()) {
                rollBack(run, e);
                return;
            }
        }
        rollForward(run);
    }

    /** Resumes a migration found unfinished in the journal at start. */
    void recover(MigrationRecord record, ActiveRun run) {
        LOG.info("migration {}: recovering from {} (switched over: {})", run.id(), record.phase(), run.context().switchedOver());
        if (!run.context().switchedOver() && record.phase() == Phase.VM_MIGRATING && run.context().destination() != null) {
            try {
                done(run, phases.migrateVm(), phases.migrateVm().follow(run));
            } catch (RuntimeException e) {
                if (!run.context().switchedOver()) {
                    rollBack(run, e);
                    return;
                }
            }
        } else if (!run.context().switchedOver() && record.phase() != Phase.VERIFIED) {
            rollBack(run, new ProtocolRefusal("the engine restarted during " + record.phase() + ", before the switchover"));
            return;
        }
        rollForward(run);
    }

    /** One phase, write-ahead, for callers that run phases on someone else's schedule (Nova's hooks). */
    void runPhase(ActiveRun run, PhaseStep step) {
        runStep(run, step);
    }

    /** Rolls back now (before the switchover), ending the migration; Nova's hooks report the reason. */
    void rollBackNow(ActiveRun run, RuntimeException cause) {
        rollBack(run, cause);
    }

    /**
     * After the switchover, once: verify, commit, receipt. A state mismatch ends the migration FAILED
     * and is rethrown; an unreachable node leaves it active (switched over) for a retry or for recovery.
     */
    void finishOnce(ActiveRun run) {
        try {
            verifyAndCommit(run);
        } catch (StateMismatchException e) {
            end(run, Phase.FAILED, e.getMessage());
            throw e;
        }
    }

    /**
     * Verify and commit, each unless the journal shows it done: a commit that began but failed (a node
     * unreachable) is done again, never taken as done because it began.
     */
    private void verifyAndCommit(ActiveRun run) {
        MigrationRecord record = journal.find(run.id()).orElseThrow();
        if (!record.done(Phase.COMMITTED)) {
            if (!record.done(Phase.VERIFIED)) {
                runStep(run, phases.verify());
            }
            runStep(run, phases.commit());
        }
        finishCommitted(run);
    }

    private void runStep(ActiveRun run, PhaseStep step) {
        if (run.abortPending()) {
            throw new ProtocolRefusal("aborted by the operator");
        }
        String intent = step.intent(run.context());
        journal.begin(run.id(), step.phase(), intent);
        LOG.info("migration {}: {} begins: {}", run.id(), step.phase(), intent);
        done(run, step, step.run(run));
    }

    private void done(ActiveRun run, PhaseStep step, Step result) {
        run.advance(result.context());
        journal.done(run.id(), step.phase(), result.detail());
        LOG.info("migration {}: {} done: {}", run.id(), step.phase(), result.detail());
        timing(run, step.phase());
    }

    private void rollForward(ActiveRun run) {
        while (true) {
            try {
                verifyAndCommit(run);
                return;
            } catch (StateMismatchException e) {
                end(run, Phase.FAILED, e.getMessage());
                return;
            } catch (ManagerClientException | IllegalStateException e) {
                if (Thread.currentThread().isInterrupted()) {
                    LOG.warn("migration {}: engine stopping; recovery will roll it forward at the next start", run.id());
                    return;
                }
                LOG.warn("migration {}: past the switchover, retrying in {} s: {}", run.id(), ROLL_FORWARD_RETRY.toSeconds(), e.getMessage());
                journal.reason(run.id(), "rolling forward, waiting: " + e.getMessage());
                try {
                    pacer.pause(ROLL_FORWARD_RETRY);
                } catch (IllegalStateException interrupted) {
                    LOG.warn("migration {}: engine stopping; recovery will roll it forward at the next start", run.id());
                    return;
                }
            }
        }
    }

    /** Signs the receipt first, then ends the migration: a COMMITTED migration always has its receipt. */
    private void finishCommitted(ActiveRun run) {
        MigrationContext context = run.context();
        MigrationRecord record = journal.find(run.id()).orElseThrow();
        Map<String, Long> phaseMillis = new LinkedHashMap<>();
        for (PhaseTiming timing : record.phases()) {
            if (!timing.phase().isEnd() || timing.phase() == Phase.COMMITTED) {
                phaseMillis.put(timing.phase().name(), timing.millis() == null ? 0 : timing.millis());
            }
        }
        long downtime = record.downtimeMillis() == null ? -1 : record.downtimeMillis();
        long total = Duration.between(record.createdAt(), clock.instant()).toMillis();
        ArrivalFacts arrival = context.arrival();
        receipts.sign(new Receipt(run.id(), context.vmUuid(), context.source().vtpcmId(), context.sourceHost(), context.destinationName(),
                context.digestLeft(), context.digestArrived(), context.newEpoch(), phaseMillis, total, downtime,
                arrival.qemuDowntimeMillis(), arrival.verificationPauseMillis(), clock.instant().toString()));
        journal.reason(run.id(), "");
        end(run, Phase.COMMITTED, null);
        if (downtime >= 0) {
            metrics.downtime(Duration.ofMillis(downtime));
        }
    }

    private void rollBack(ActiveRun run, RuntimeException cause) {
        if (Thread.currentThread().isInterrupted()) {
            LOG.warn("migration {}: engine stopping during {}; recovery will finish it at the next start", run.id(), cause.getMessage());
            return;
        }
        String reason = cause instanceof ProtocolRefusal ? cause.getMessage() : "stopped by an error: " + cause.getMessage();
        LOG.warn("migration {}: rolling back: {}", run.id(), reason);
        Rollback.Result result;
        try {
            result = rollback.run(run.context(), journal.find(run.id()).orElseThrow().phases().stream()
                    .anyMatch(timing -> timing.phase() == Phase.VM_MIGRATING));
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                LOG.warn("migration {}: engine stopping during the rollback; recovery will finish it at the next start", run.id());
                return;
            }
            end(run, Phase.FAILED, reason + "; the rollback failed too: " + e.getMessage());
            return;
        }
        MigrationContext context = run.context();
        switch (result) {
            case SWITCHED_OVER -> {
                switchovers.mark(run, SwitchoverFacts.unknownTimes(), "found while rolling back");
                rollForward(run);
            }
            case CLEANUP_PENDING -> end(run, Phase.ROLLED_BACK, reason + "; the VM and its vTPCM run at " + context.sourceHost()
                    + "; clean-up on " + context.destinationName() + " is pending (its manager is unreachable)");
            case ROLLED_BACK -> end(run, Phase.ROLLED_BACK, reason + (context.sourceHost() == null ? ""
                    : "; the VM and its vTPCM run at " + context.sourceHost()));
        }
    }

    private void end(ActiveRun run, Phase outcome, String reason) {
        journal.end(run.id(), outcome, reason);
        metrics.ended(outcome);
        LOG.info("migration {}: {}{}", run.id(), outcome, reason == null ? "" : ": " + reason);
    }

    private void timing(ActiveRun run, Phase phase) {
        journal.find(run.id()).flatMap(record -> record.phases().stream().filter(t -> t.phase() == phase && t.millis() != null).findFirst())
                .ifPresent(timing -> metrics.phase(phase, Duration.ofMillis(timing.millis())));
    }
}
