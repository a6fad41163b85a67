package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.engine.journal.MigrationJournal;
import org.vtpcm.engine.journal.MigrationRecord;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.engine.metrics.EngineMetrics;
import org.vtpcm.engine.target.NovaScheduled;

/**
 * The protocol on Nova's schedule: Nova's compute driver calls one hook per step of its own live
 * migration and each hook runs, synchronously, the phases due at that point, in the same journal
 * with the same phase classes as an engine-driven migration. Nova's libvirt driver moves the VM
 * (resume-first: the driver keeps the guest's network down until {@link #commit} verified the state).
 *
 * <p>Before the switchover a failed hook rolls the migration back and the driver turns the reason
 * into Nova's own rollback; from {@link #commit} on the migration only rolls forward. An engine
 * restart in between is handled by recovery exactly as for engine-driven migrations.
 */
public final class NovaHooks {
    private static final Logger LOG = LoggerFactory.getLogger(NovaHooks.class);

    private final MigrationCoordinator coordinator;
    private final MigrationJournal journal;
    private final MigrationRunner runner;
    private final SelectTarget selectTarget;
    private final AttestDestination attestDestination;
    private final PrepareDestination prepareDestination;
    private final SendTpcmState sendTpcmState;
    private final EngineMetrics metrics;
    private final Clock clock;
    private final Map<UUID, MigrationRun> runsByVm = new ConcurrentHashMap<>();
    private final Map<UUID, Object> locks = new ConcurrentHashMap<>();

    NovaHooks(MigrationCoordinator coordinator, MigrationJournal journal, MigrationRunner runner, SelectTarget selectTarget,
            AttestDestination attestDestination, PrepareDestination prepareDestination, SendTpcmState sendTpcmState, EngineMetrics metrics,
            Clock clock) {
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.coordinator = requireNonNull(coordinator, "coordinator is null");
        this.journal = requireNonNull(journal, "journal is null");
        this.runner = requireNonNull(runner, "runner is null");
        this.selectTarget = requireNonNull(selectTarget, "selectTarget is null");
        this.attestDestination = requireNonNull(attestDestination, "attestDestination is null");
        this.prepareDestination = requireNonNull(prepareDestination, "prepareDestination is null");
        this.sendTpcmState = requireNonNull(sendTpcmState, "sendTpcmState is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Nova's live migration of a vtpcm instance. */
    public record NovaMigration(UUID instance, String source, String destination, Optional<String> novaMigrationId) {
        public NovaMigration {
            requireNonNull(instance, "instance is null");
            requireNonNull(source, "source is null");
            requireNonNull(destination, "destination is null");
            requireNonNull(novaMigrationId, "novaMigrationId is null");
        }
    }

    /**
     * check_can_live_migrate_destination: REQUESTED, TARGET_SELECTED (Nova's destination, checked like
     * an explicit one), DEST_ATTESTED (a fresh quote). A refusal rolls back and is thrown as {@link NovaRefusedException}.
     */
    public MigrationRecord begin(NovaMigration request) {
        synchronized (lock(request.instance())) {
            MigrationRun known = runsByVm.get(request.instance());
            if (known != null && isActive(known)) {
                Phase phase = journal.find(known.id).orElseThrow().phase();
                if (request.destination().equals(known.destinationName()) && phase == Phase.DEST_ATTESTED) {
                    return journal.find(known.id).orElseThrow(); // Nova retried its pre-check
                }
                if (phase.ordinal() <= Phase.DEST_ATTESTED.ordinal()) {
                    // Nova gave that attempt up after our pre-check (a later check of its own failed) without telling us
                    runner.rollBackNow(known, new ProtocolRefusal("superseded by Nova's next attempt (to " + request.destination() + ")"));
                    runsByVm.remove(request.instance());
                }
            }
            MigrationRun run = coordinator.open(new MigrationRequest(request.instance().toString(), Optional.of(request.destination()),
                    NovaScheduled.NAME, 1, false, true, false, 0));
            if (!run.source.equals(request.source())) {
                runner.rollBackNow(run, new ProtocolRefusal("Nova migrates from " + request.source() + " but the vTPCM of "
                        + request.instance() + " lives on " + run.source));
                throw refused("CONFLICT", run);
            }
            runsByVm.put(request.instance(), run);
            metrics.started();
            LOG.info("migration {}: begun by Nova (its migration {}) for instance {} ({} -> {})", run.id,
                    request.novaMigrationId().orElse("?"), request.instance(), request.source(), request.destination());
            step(run, selectTarget, "NO_TARGET");
            step(run, attestDestination, "UNTRUSTED");
            return journal.find(run.id).orElseThrow();
        }
    }

    /** pre_live_migration: DEST_PREPARED (the incoming vTPCM waits at the destination). */
    public MigrationRecord prepare(UUID instance) {
        synchronized (lock(instance)) {
            MigrationRun run = active(instance);
            step(run, prepareDestination, "NODE_ERROR");
            return journal.find(run.id).orElseThrow();
        }
    }

    /** live_migration at the source, before Nova's libvirt driver starts: TPCM_STATE_SENT, then VM_MIGRATING begins. */
    public MigrationRecord send(UUID instance) {
        synchronized (lock(instance)) {
            MigrationRun run = active(instance);
            step(run, sendTpcmState, "NODE_ERROR");
            journal.begin(run.id, Phase.VM_MIGRATING, "Nova's libvirt driver migrates the VM " + run.source + " -> "
                    + run.destinationName() + " (resume-first, network quarantined until verified)");
            LOG.info("migration {}: VM_MIGRATING begins (Nova moves the VM)", run.id);
            return journal.find(run.id).orElseThrow();
        }
    }

    /**
     * post_live_migration_at_destination: Nova's VM migration ended at the destination (the switchover),
     * then VERIFIED and COMMITTED with a signed receipt. Repeating it after the commit answers the record.
     */
    public MigrationRecord commit(UUID instance) {
        synchronized (lock(instance)) {
            Optional<MigrationRecord> ended = latest(instance).filter(record -> record.phase() == Phase.COMMITTED);
            MigrationRun run = runsByVm.get(instance);
            if (run == null || !isActive(run)) {
                return ended.orElseThrow(() -> new UnknownMigrationException("no migration of instance " + instance
                        + " is waiting for its commit"));
            }
            if (journal.find(run.id).orElseThrow().phase() == Phase.VM_MIGRATING && !run.switchedOver) {
                run.switchedOver = true;
                run.vmMigrationCompletedAt = clock.instant();
                journal.update(run.id, Map.of("switched_over", 1));
                journal.done(run.id, Phase.VM_MIGRATING, "Nova's libvirt driver finished the VM migration at " + run.destinationName());
            } else if (!run.switchedOver) {
                throw new PastSwitchoverException("migration " + run.id + " of instance " + instance + " is at "
                        + journal.find(run.id).orElseThrow().phase() + "; the TPCM state was not sent yet");
            }
            try {
                runner.finishOnce(run);
            } catch (StateMismatchException e) {
                runsByVm.remove(instance);
                throw new NovaRefusedException("STATE_MISMATCH", e.getMessage(), journal.find(run.id).orElseThrow());
            }
            runsByVm.remove(instance);
            return journal.find(run.id).orElseThrow();
        }
    }

    /** rollback_live_migration_at_destination (or a failed source step): ROLLED_BACK with Nova's reason. */
    public MigrationRecord abort(UUID instance, String reason) {
        synchronized (lock(instance)) {
            MigrationRun run = runsByVm.get(instance);
            if (run == null || !isActive(run)) {
                return latest(instance).orElseThrow(() -> new UnknownMigrationException("instance " + instance + " has no migration"));
            }
            if (run.switchedOver) {
                throw new PastSwitchoverException("migration " + run.id + " of instance " + instance + " is past the switchover; "
                        + "it can only complete");
            }
            runner.rollBackNow(run, new ProtocolRefusal("Nova rolled the live migration back: " + reason));
            runsByVm.remove(instance);
            return journal.find(run.id).orElseThrow();
        }
    }

    /** The instance's newest migration record. */
    public Optional<MigrationRecord> latest(UUID instance) {
        return journal.list(false, 500).stream().filter(record -> record.vmUuid().equals(instance))
                .max(Comparator.comparing(MigrationRecord::createdAt));
    }

    private void step(MigrationRun run, PhaseStep phase, String code) {
        try {
            runner.runPhase(run, phase);
        } catch (RuntimeException e) {
            runner.rollBackNow(run, e);
            runsByVm.remove(run.vmUuid);
            throw refused(e instanceof ProtocolRefusal ? code : "NODE_ERROR", run);
        }
    }

    private NovaRefusedException refused(String code, MigrationRun run) {
        MigrationRecord record = journal.find(run.id).orElseThrow();
        return new NovaRefusedException(code, record.reason() == null ? "refused" : record.reason(), record);
    }

    private MigrationRun active(UUID instance) {
        MigrationRun run = runsByVm.get(instance);
        if (run == null || !isActive(run)) {
            throw new UnknownMigrationException("instance " + instance + " has no migration in progress at this engine "
                    + "(it may have been rolled back by a restart)");
        }
        return run;
    }

    private boolean isActive(MigrationRun run) {
        return journal.find(run.id).map(MigrationRecord::isActive).orElse(false);
    }

    private Object lock(UUID instance) {
        return locks.computeIfAbsent(instance, key -> new Object());
    }
}
