package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.engine.config.EngineConfig;
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

    private final MigrationOpener opener;
    private final MigrationJournal journal;
    private final MigrationRunner runner;
    private final SelectTarget selectTarget;
    private final AttestDestination attestDestination;
    private final PrepareDestination prepareDestination;
    private final SendTpcmState sendTpcmState;
    private final Switchovers switchovers;
    private final VmPlacement placement;
    private final EngineMetrics metrics;
    private final Clock clock;
    private final EngineConfig.TrustSettings trust;
    private final Map<UUID, ActiveRun> runsByVm = new ConcurrentHashMap<>();
    private final Map<UUID, Object> locks = new ConcurrentHashMap<>();

    /** The phases Nova's hooks run before the switchover, in protocol order. */
    record BeforeSwitchover(SelectTarget selectTarget, AttestDestination attestDestination, PrepareDestination prepareDestination,
            SendTpcmState sendTpcmState) {
    }

    NovaHooks(MigrationOpener opener, MigrationJournal journal, MigrationRunner runner, BeforeSwitchover phases, Switchovers switchovers,
            VmPlacement placement, EngineMetrics metrics, Clock clock, EngineConfig.TrustSettings trust) {
        this.placement = requireNonNull(placement, "placement is null");
        SelectTarget selectTarget = phases.selectTarget();
        AttestDestination attestDestination = phases.attestDestination();
        PrepareDestination prepareDestination = phases.prepareDestination();
        SendTpcmState sendTpcmState = phases.sendTpcmState();
        this.switchovers = requireNonNull(switchovers, "switchovers is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.opener = requireNonNull(opener, "opener is null");
        this.trust = requireNonNull(trust, "trust is null");
        this.journal = requireNonNull(journal, "journal is null");
        this.runner = requireNonNull(runner, "runner is null");
        this.selectTarget = requireNonNull(selectTarget, "selectTarget is null");
        this.attestDestination = requireNonNull(attestDestination, "attestDestination is null");
        this.prepareDestination = requireNonNull(prepareDestination, "prepareDestination is null");
        this.sendTpcmState = requireNonNull(sendTpcmState, "sendTpcmState is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Nova's live migration of a vtpcm instance.
     *
     * @param nativeTls Nova's {@code [libvirt] live_migration_with_native_tls}: QEMU's stream (with the swtpm state) runs over TLS
     */
    public record NovaMigration(UUID instance, String source, String destination, Optional<String> novaMigrationId, boolean nativeTls) {
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
        if (!request.nativeTls() && !trust.allowPlaintext()) {
            throw new PolicyRefusedException(409, PolicyRefusedException.NATIVE_TLS_REQUIRED, "Nova would migrate the VM without "
                    + "TLS, carrying the vTPCM's state in clear: set [libvirt] live_migration_with_native_tls = true on the computes "
                    + "(this engine has migration.allow-plaintext=false)");
        }
        synchronized (lock(request.instance())) {
            ActiveRun known = runsByVm.get(request.instance());
            if (known != null && isActive(known)) {
                Phase phase = journal.find(known.id()).orElseThrow().phase();
                if (request.destination().equals(known.context().destinationName()) && phase == Phase.DEST_ATTESTED) {
                    return journal.find(known.id()).orElseThrow(); // Nova retried its pre-check
                }
                if (phase.ordinal() <= Phase.DEST_ATTESTED.ordinal()) {
                    // Nova gave that attempt up after our pre-check (a later check of its own failed) without telling us
                    runner.rollBackNow(known, new ProtocolRefusal("superseded by Nova's next attempt (to " + request.destination() + ")"));
                    runsByVm.remove(request.instance());
                }
            }
            ActiveRun run = opener.open(new MigrationRequest(request.instance().toString(), Optional.of(request.destination()),
                    NovaScheduled.NAME, 1, false, request.nativeTls(), false, 0));
            if (!run.context().sourceHost().equals(request.source())) {
                runner.rollBackNow(run, new ProtocolRefusal("Nova migrates from " + request.source() + " but the vTPCM of "
                        + request.instance() + " lives on " + run.context().sourceHost()));
                throw refused("CONFLICT", run);
            }
            runsByVm.put(request.instance(), run);
            metrics.started();
            LOG.info("migration {}: begun by Nova (its migration {}) for instance {} ({} -> {})", run.id(),
                    request.novaMigrationId().orElse("?"), request.instance(), request.source(), request.destination());
            step(run, selectTarget, "NO_TARGET");
            step(run, attestDestination, "UNTRUSTED");
            return journal.find(run.id()).orElseThrow();
        }
    }

    /** pre_live_migration: DEST_PREPARED (the incoming vTPCM waits at the destination). */
    public MigrationRecord prepare(UUID instance, UUID migration) {
        synchronized (lock(instance)) {
            ActiveRun run = active(instance, migration);
            step(run, prepareDestination, "NODE_ERROR");
            return journal.find(run.id()).orElseThrow();
        }
    }

    /**
     * live_migration at the source, before Nova's libvirt driver starts: the destination is attested again if
     * its quote from {@link #begin} is no longer fresh, then TPCM_STATE_SENT, then VM_MIGRATING begins.
     */
    public MigrationRecord send(UUID instance, UUID migration) {
        synchronized (lock(instance)) {
            ActiveRun run = active(instance, migration);
            if (NovaRunPolicy.attestationStale(run.context().destinationAttestedAt(), clock.instant(), trust.attestationFreshness())) {
                reattest(run);
            }
            step(run, sendTpcmState, "NODE_ERROR");
            journal.begin(run.id(), Phase.VM_MIGRATING, "Nova's libvirt driver migrates the VM " + run.context().sourceHost() + " -> "
                    + run.context().destinationName() + " (resume-first, network quarantined until verified)");
            LOG.info("migration {}: VM_MIGRATING begins (Nova moves the VM)", run.id());
            return journal.find(run.id()).orElseThrow();
        }
    }

    /**
     * post_live_migration_at_destination: Nova's VM migration ended at the destination (the switchover),
     * then VERIFIED and COMMITTED with a signed receipt. Repeating it after the commit answers the record.
     */
    public MigrationRecord commit(UUID instance, UUID migration) {
        synchronized (lock(instance)) {
            Optional<MigrationRecord> ended = find(instance, migration).filter(record -> record.outcome() == Phase.COMMITTED);
            ActiveRun run = runsByVm.get(instance);
            if (run == null || !isActive(run) || !run.id().equals(migration)) {
                return ended.orElseThrow(() -> new UnknownMigrationException("no migration of instance " + instance
                        + " is waiting for its commit"));
            }
            Phase phase = journal.find(run.id()).orElseThrow().phase();
            if (phase == Phase.VM_MIGRATING && !run.context().switchedOver()) {
                switchovers.mark(run, new SwitchoverFacts(clock.instant(), null), "Nova's libvirt driver finished");
                journal.done(run.id(), Phase.VM_MIGRATING, "Nova's libvirt driver finished the VM migration at "
                        + run.context().destinationName());
            } else if (!run.context().switchedOver()) {
                throw new PastSwitchoverException("migration " + run.id() + " of instance " + instance + " is at " + phase
                        + "; the TPCM state was not sent yet");
            }
            try {
                runner.finishOnce(run);
            } catch (StateMismatchException e) {
                runsByVm.remove(instance);
                throw new NovaRefusedException("STATE_MISMATCH", e.getMessage(), journal.find(run.id()).orElseThrow());
            }
            runsByVm.remove(instance);
            return journal.find(run.id()).orElseThrow();
        }
    }

    /** rollback_live_migration_at_destination (or a failed source step): ROLLED_BACK with Nova's reason. */
    public MigrationRecord abort(UUID instance, UUID migration, String reason) {
        synchronized (lock(instance)) {
            ActiveRun run = runsByVm.get(instance);
            if (run == null || !isActive(run) || !run.id().equals(migration)) {
                return find(instance, migration).orElseThrow(() -> new UnknownMigrationException("instance " + instance
                        + " has no migration " + migration));
            }
            if (run.context().switchedOver()) {
                throw new PastSwitchoverException("migration " + run.id() + " of instance " + instance + " is past the switchover; "
                        + "it can only complete");
            }
            runner.rollBackNow(run, new ProtocolRefusal("Nova rolled the live migration back: " + reason));
            runsByVm.remove(instance);
            return journal.find(run.id()).orElseThrow();
        }
    }

    /** An operator's abort (POST /v1/migrations/{id}/abort) of a run Nova drives: rolled back now; empty if Nova drives no such run. */
    public Optional<MigrationRecord> abortByOperator(UUID migration) {
        Optional<ActiveRun> known = runsByVm.values().stream().filter(run -> run.id().equals(migration)).findFirst();
        if (known.isEmpty()) {
            return Optional.empty();
        }
        UUID instance = known.get().context().vmUuid();
        synchronized (lock(instance)) {
            ActiveRun run = runsByVm.get(instance);
            if (run == null || !run.id().equals(migration) || !isActive(run)) {
                return journal.find(migration);
            }
            if (run.context().switchedOver()) {
                throw new PastSwitchoverException("migration " + migration + " is past the switchover; it can only complete");
            }
            Phase phase = journal.find(migration).orElseThrow().phase();
            if (phase == Phase.VM_MIGRATING && placement.ifKnown(run.context()) != VmMigrationDecisions.Placement.SOURCE) {
                // the engine does not own Nova's libvirt job: while the guest may be in flight only Nova can stop it
                throw new PastSwitchoverException("migration " + migration + ": Nova is moving the guest; abort it in Nova (nova "
                        + "live-migration-abort) or wait for it to finish");
            }
            LOG.info("migration {}: abort requested by an operator (Nova drives it)", migration);
            runner.rollBackNow(run, new ProtocolRefusal("aborted by the operator"));
            runsByVm.remove(instance);
            return journal.find(migration);
        }
    }

    /**
     * The periodic sweep over the runs Nova drives: a switched-over run whose commit failed is rolled
     * forward (Nova does not call commit again); a run Nova left before its switchover for longer than
     * {@code nova.run-timeout-seconds} is rolled back, unless its guest may be in flight (Nova owns
     * that job): then it waits until the guest settles, and rolls forward if it settled at the destination.
     */
    public void expireStale() {
        for (ActiveRun known : List.copyOf(runsByVm.values())) {
            UUID instance = known.context().vmUuid();
            synchronized (lock(instance)) {
                ActiveRun run = runsByVm.get(instance);
                Optional<MigrationRecord> record = run == null ? Optional.empty() : journal.find(run.id());
                if (record.isEmpty() || !record.get().isActive()) {
                    continue;
                }
                try {
                    if (run.context().switchedOver()) {
                        rollForwardOnce(run, instance);
                    } else if (NovaRunPolicy.expired(record.get().createdAt(), false, clock.instant(), trust.novaRunTimeout())) {
                        expire(run, instance, record.get().phase());
                    }
                } catch (RuntimeException e) { // one run's trouble never stops the sweep of the others
                    LOG.warn("migration {}: the sweep could not settle it this round: {}", run.id(), e.getMessage());
                }
            }
        }
    }

    private void expire(ActiveRun run, UUID instance, Phase phase) {
        VmMigrationDecisions.Placement where = phase == Phase.VM_MIGRATING ? placement.ifKnown(run.context())
                : VmMigrationDecisions.Placement.SOURCE;
        switch (where) {
            case DESTINATION -> {
                LOG.warn("migration {}: Nova moved the guest to {} but never committed; rolling forward", run.id(),
                        run.context().destinationName());
                switchovers.mark(run, SwitchoverFacts.unknownTimes(), "the guest runs at the destination (the sweep)");
                rollForwardOnce(run, instance);
            }
            case SOURCE -> {
                LOG.warn("migration {}: Nova left it unfinished for over {} s; rolling back", run.id(), trust.novaRunTimeout().toSeconds());
                runner.rollBackNow(run, new ProtocolRefusal("expired: Nova did not finish the migration within "
                        + trust.novaRunTimeout().toSeconds() + " s"));
                runsByVm.remove(instance);
            }
            case UNSETTLED -> LOG.warn("migration {}: older than {} s, but the guest may still be in flight with Nova; waiting for it "
                    + "to settle", run.id(), trust.novaRunTimeout().toSeconds());
        }
    }

    /** One attempt to verify and commit a switched-over run; a node still unreachable is tried again at the next sweep. */
    private void rollForwardOnce(ActiveRun run, UUID instance) {
        try {
            runner.finishOnce(run);
            runsByVm.remove(instance);
        } catch (StateMismatchException e) {
            runsByVm.remove(instance);
        } catch (RuntimeException e) {
            LOG.warn("migration {}: past the switchover, its commit waits for the nodes: {}", run.id(), e.getMessage());
        }
    }

    /** The instance's migration the hooks act on: the one in progress, else its newest (exact queries, never a bounded list). */
    public Optional<MigrationRecord> current(UUID instance) {
        ActiveRun run = runsByVm.get(instance);
        Optional<MigrationRecord> active = run == null ? Optional.empty() : journal.find(run.id()).filter(MigrationRecord::isActive);
        return active.isPresent() ? active : journal.latestOf(instance);
    }

    /** The migration with this id, if it is one of this instance's. */
    public Optional<MigrationRecord> find(UUID instance, UUID migration) {
        return journal.find(migration).filter(record -> record.vmUuid().equals(instance));
    }

    /** The instance's newest migration record. */
    public Optional<MigrationRecord> latest(UUID instance) {
        return journal.latestOf(instance);
    }

    /** The quote from begin is too old: the destination quotes again over the migration's nonce, or the migration is refused. */
    private void reattest(ActiveRun run) {
        try {
            LOG.info("migration {}: {}'s attestation is older than {} s; attesting again before the state leaves", run.id(),
                    run.context().destinationName(), trust.attestationFreshness().toSeconds());
            run.advance(attestDestination.renew(run.context()));
        } catch (RuntimeException e) {
            runner.rollBackNow(run, e instanceof ProtocolRefusal ? e : new ProtocolRefusal("re-attestation failed: " + e.getMessage()));
            runsByVm.remove(run.context().vmUuid());
            throw refused("UNTRUSTED", run);
        }
    }

    private void step(ActiveRun run, PhaseStep phase, String code) {
        try {
            runner.runPhase(run, phase);
        } catch (RuntimeException e) {
            runner.rollBackNow(run, e);
            runsByVm.remove(run.context().vmUuid());
            throw refused(e instanceof ProtocolRefusal ? code : "NODE_ERROR", run);
        }
    }

    private NovaRefusedException refused(String code, ActiveRun run) {
        MigrationRecord record = journal.find(run.id()).orElseThrow();
        return new NovaRefusedException(code, record.reason() == null ? "refused" : record.reason(), record);
    }

    private ActiveRun active(UUID instance, UUID migration) {
        ActiveRun run = runsByVm.get(instance);
        if (run == null || !isActive(run) || !run.id().equals(migration)) {
            throw new UnknownMigrationException("instance " + instance + " has no migration " + migration + " in progress at this "
                    + "engine (it may have ended, been superseded or been rolled back by a restart)");
        }
        return run;
    }

    private boolean isActive(ActiveRun run) {
        return journal.find(run.id()).map(MigrationRecord::isActive).orElse(false);
    }

    private Object lock(UUID instance) {
        return locks.computeIfAbsent(instance, key -> new Object());
    }
}
