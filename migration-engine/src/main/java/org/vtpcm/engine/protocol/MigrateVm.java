package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.engine.hosts.NodeDirectory;
import org.vtpcm.engine.journal.MigrationJournal;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.nodeapi.ManagerClientException;
import org.vtpcm.nodeapi.MigrateVmRequest;
import org.vtpcm.nodeapi.OutgoingView;

/**
 * VM_MIGRATING: the source manager live-migrates the VM with its local libvirtd, peer-to-peer
 * (TLS, multifd and compression as asked; paused at the destination for verify-before-resume). The
 * engine follows the job: progress into the journal; an abort request, a timeout, a destination
 * manager lost, or the vTPCM's bundle refused by the destination before the switchover abort the libvirt job. The decisions are {@link VmMigrationDecisions}.
 */
final class MigrateVm implements PhaseStep {
    private static final Logger LOG = LoggerFactory.getLogger(MigrateVm.class);
    private static final Duration PROGRESS_EVERY = Duration.ofMillis(500);
    private static final Duration DESTINATION_CHECK_EVERY = Duration.ofSeconds(1);
    private static final Duration ABORT_WAIT = Duration.ofSeconds(60);
    /** How long the source may hold each answer until the switchover (a long poll): it answers at once when libvirtd confirms. */
    static final Duration SWITCHOVER_WAIT = Duration.ofMillis(500);

    /** How the VM migration is followed: poll interval, longest run, and how long the destination manager may be unreachable. */
    record Limits(Duration poll, Duration timeout, Duration destinationLossTolerance) {
        Limits {
            requireNonNull(poll, "poll is null");
            requireNonNull(timeout, "timeout is null");
            requireNonNull(destinationLossTolerance, "destinationLossTolerance is null");
        }
    }

    private final NodeDirectory nodes;
    private final MigrationJournal journal;
    private final Switchovers switchovers;
    private final Clock clock;
    private final Pacer pacer;
    private final Limits limits;

    MigrateVm(NodeDirectory nodes, MigrationJournal journal, Switchovers switchovers, Clock clock, Pacer pacer, Limits limits) {
        this.nodes = requireNonNull(nodes, "nodes is null");
        this.journal = requireNonNull(journal, "journal is null");
        this.switchovers = requireNonNull(switchovers, "switchovers is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.pacer = requireNonNull(pacer, "pacer is null");
        this.limits = requireNonNull(limits, "limits is null");
    }

    @Override
    public Phase phase() {
        return Phase.VM_MIGRATING;
    }

    @Override
    public String intent(MigrationContext context) {
        return "libvirt live migration " + context.sourceHost() + " -> " + context.destinationName() + " (" + context.options() + ")";
    }

    @Override
    public Step run(ActiveRun run) {
        MigrationContext context = run.context();
        var options = context.options();
        nodes.node(context.sourceHost()).migrateVm(context.id(), new MigrateVmRequest(context.vmUuid(), context.destination().libvirt(),
                context.destinationName(), options.parallel(), options.compress(), options.tls(), options.verifyBeforeResume(),
                options.bandwidthMiBs()));
        return follow(run);
    }

    /** Follows a VM migration already started (also after an engine restart) until it switches over or fails. */
    Step follow(ActiveRun run) {
        MigrationContext context = run.context();
        Instant start = clock.instant();
        Instant lastProgress = Instant.EPOCH;
        Instant lastDestinationCheck = start;
        Instant destinationLostSince = null;
        Optional<String> abortReason = Optional.empty();
        while (true) {
            Optional<OutgoingView> status = outgoing(context);
            switch (VmMigrationDecisions.verdict(status)) {
                case COMPLETED -> {
                    OutgoingView view = status.orElseThrow();
                    Instant started = view.startedAt() == null ? clock.instant() : view.startedAt();
                    long wall = view.wallMillis() == null ? 0 : view.wallMillis();
                    MigrationContext next = switchovers.mark(run, new SwitchoverFacts(started.plusMillis(wall), view.suspendedAt()), "completed");
                    return new Step(next, "the VM moved to " + context.destinationName() + " in " + wall + " ms (switchover)");
                }
                case CONFIRMED -> {
                    // the source's libvirtd decided success (its Confirm phase) and is stopping QEMU there: the guest can no
                    // longer resume at the source, 1-2 s before the migrate call returns; the commit still waits for the source
                    OutgoingView view = status.orElseThrow();
                    MigrationContext next = switchovers.mark(run, new SwitchoverFacts(clock.instant(), view.suspendedAt()), "confirmed");
                    return new Step(next, "the VM moved to " + context.destinationName() + " (switchover confirmed by the source's "
                            + "libvirtd after " + view.wallMillis() + " ms; it is still stopping QEMU there)");
                }
                case FAILED -> throw new ProtocolRefusal(abortReason.orElse("the VM migration failed: " + status.orElseThrow().error()));
                case NO_RECORD -> {
                    Optional<Step> judged = judgeByPlacement(run);
                    if (judged.isPresent()) {
                        return judged.get();
                    }
                }
                case RUNNING -> {
                }
            }
            Instant now = clock.instant();
            if (Duration.between(lastProgress, now).compareTo(PROGRESS_EVERY) >= 0) {
                Optional<org.vtpcm.engine.journal.VmProgress> progress = VmMigrationDecisions.progress(
                        status.map(OutgoingView::progress).orElse(null), Duration.between(start, now));
                if (progress.isPresent()) {
                    journal.progress(context.id(), progress.get());
                    lastProgress = now;
                }
            }
            if (Duration.between(lastDestinationCheck, now).compareTo(DESTINATION_CHECK_EVERY) >= 0) {
                lastDestinationCheck = now;
                destinationLostSince = VmMigrationDecisions.lostSince(destinationLostSince, destinationReachable(context), now);
            }
            if (abortReason.isEmpty()) {
                abortReason = VmMigrationDecisions.abortReason(run.abortPending(), Duration.between(start, now), limits.timeout(),
                        destinationLostSince, now, limits.destinationLossTolerance(), context.destinationName())
                        .or(() -> VmMigrationDecisions.bundleFailure(status, context.destinationName()));
                abortReason.ifPresent(reason -> {
                    LOG.warn("migration {}: aborting the VM migration: {}", context.id(), reason);
                    abortJob(context);
                });
            } else if (Duration.between(start, now).compareTo(limits.timeout().plus(ABORT_WAIT)) > 0) {
                throw new IllegalStateException("the VM migration did not stop after an abort; still at phase VM_MIGRATING");
            }
            pacer.pause(limits.poll());
        }
    }

    private Optional<OutgoingView> outgoing(MigrationContext context) {
        try {
            return Optional.of(nodes.node(context.sourceHost()).vmMigration(context.id(), context.vmUuid(), SWITCHOVER_WAIT));
        } catch (ManagerClientException e) {
            if (e.status() == 0) {
                return Optional.empty(); // the source manager is down: the libvirt job goes on without it; keep following
            }
            throw e;
        }
    }

    /** No record at the source (its manager restarted): where the domain runs tells what happened; empty while unclear. */
    private Optional<Step> judgeByPlacement(ActiveRun run) {
        MigrationContext context = run.context();
        return switch (new VmPlacement(nodes).of(context)) {
            case DESTINATION -> Optional.of(new Step(switchovers.mark(run, new SwitchoverFacts(clock.instant(), null), "judged by placement"),
                    "the VM is at " + context.destinationName() + " (judged by placement after a restart)"));
            case SOURCE -> throw new ProtocolRefusal("the VM migration did not complete: the VM still runs at " + context.sourceHost());
            case UNSETTLED -> Optional.empty();
        };
    }

    private boolean destinationReachable(MigrationContext context) {
        try {
            nodes.node(context.destinationName()).node();
            return true;
        } catch (ManagerClientException e) {
            return e.status() != 0;
        }
    }

    private void abortJob(MigrationContext context) {
        try {
            nodes.node(context.sourceHost()).abortVmMigration(context.id());
        } catch (ManagerClientException e) {
            LOG.warn("migration {}: abort of the VM migration failed: {}", context.id(), e.getMessage());
        }
    }
}
