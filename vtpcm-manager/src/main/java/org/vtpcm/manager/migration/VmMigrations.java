package org.vtpcm.manager.migration;

import org.vtpcm.nodeapi.VmMigrationStatus;
import org.vtpcm.nodeapi.OutgoingView;
import org.vtpcm.nodeapi.ArrivalView;
import org.vtpcm.nodeapi.DomainView;
import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.manager.association.Association;
import org.vtpcm.manager.association.AssociationStore;
import org.vtpcm.manager.association.IllegalTransitionException;
import org.vtpcm.manager.association.MigrationBinding;
import org.vtpcm.manager.association.MigrationMismatchException;
import org.vtpcm.manager.association.VtpcmState;
import org.vtpcm.manager.libvirt.CompletedJob;
import org.vtpcm.nodeapi.DomainState;
import org.vtpcm.manager.libvirt.DomainSummary;
import org.vtpcm.nodeapi.JobProgress;
import org.vtpcm.manager.libvirt.LibvirtHost;
import org.vtpcm.manager.libvirt.MigrationOptions;
import org.vtpcm.manager.libvirt.SourceConfirmation;

/**
 * Source side: runs the VM's live migration with the local libvirtd (peer-to-peer), in the
 * background, once the vTPCM's state has been sent (MIGRATING_OUT); reports progress and outcome.
 * Destination side: what arrived (domain state, QEMU's downtime) and the resume after verification.
 * Runs are kept in memory: after a manager restart the engine judges by where the domain is.
 */
public final class VmMigrations implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VmMigrations.class);
    private static final int KEPT_RUNS = 256;
    private static final Duration PROGRESS_EVERY = Duration.ofMillis(500);
    private static final Duration CONFIRM_READ_EVERY = Duration.ofMillis(2);
    private static final Duration CONFIRM_WATCH = Duration.ofSeconds(60);

    private final AssociationStore associations;
    private final LibvirtHost libvirt;
    private final LibvirtHost monitor;
    private final SourceConfirmation confirmation;
    private final Clock clock;
    private final boolean allowPlaintext;
    private final Map<UUID, Run> runs = new LinkedHashMap<>();
    private final ExecutorService workers = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "vm-migration");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param libvirt the manager's connection (it carries the migrations)
     * @param monitor a second connection, only for reading a running job's progress
     * @param confirmation whether libvirtd has decided an outgoing migration succeeded (its Confirm phase)
     * @param allowPlaintext whether a migration may be asked without TLS (configuration migration.allow-plaintext; off by default)
     */
    public VmMigrations(AssociationStore associations, LibvirtHost libvirt, LibvirtHost monitor, SourceConfirmation confirmation,
            Clock clock, boolean allowPlaintext) {
        this.allowPlaintext = allowPlaintext;
        this.associations = requireNonNull(associations, "associations is null");
        this.libvirt = requireNonNull(libvirt, "libvirt is null");
        this.monitor = requireNonNull(monitor, "monitor is null");
        this.confirmation = requireNonNull(confirmation, "confirmation is null");
        this.clock = requireNonNull(clock, "clock is null");
    }





    private static final class Run {
        final UUID migrationId;
        final UUID vmUuid;
        final String vmName;
        final String destinationUri;
        final Instant startedAt;
        volatile VmMigrationStatus status = VmMigrationStatus.RUNNING;
        volatile Long wallMillis;
        volatile String error;
        volatile Instant suspendedAt;
        volatile Instant confirmedAt;
        volatile JobProgress progress;

        Run(UUID migrationId, UUID vmUuid, String vmName, String destinationUri, Instant startedAt) {
            this.migrationId = migrationId;
            this.vmUuid = vmUuid;
            this.vmName = vmName;
            this.destinationUri = destinationUri;
            this.startedAt = startedAt;
        }
    }

    /**
     * Starts the live migration; idempotent for a migration id already started. The vTPCM must be
     * MIGRATING_OUT in this migration: its TPCM state was exported to {@code destinationNode} and
     * staged there, so the VM may follow, there only. Without TLS only where the configuration allows it.
     */
    public synchronized OutgoingView start(UUID migrationId, UUID vmUuid, String destinationUri, String destinationNode,
            MigrationOptions options) {
        requireNonNull(destinationUri, "destinationUri is null");
        requireNonNull(destinationNode, "destinationNode is null");
        requireNonNull(options, "options is null");
        if (!options.tls() && !allowPlaintext) {
            throw new PlaintextRefusedException("migration " + migrationId + ": a VM migration without TLS is refused on this node "
                    + "(the guest's memory and its TPM state would cross the network in clear); set migration.allow-plaintext = true "
                    + "in the manager's configuration to allow it");
        }
        Run existing = runs.get(migrationId);
        if (existing != null) {
            sameVm(existing, vmUuid);
            return view(existing);
        }
        Association row = MigrationMismatchException.requireCurrent(associations.live(vmUuid), migrationId);
        if (row.state() != VtpcmState.MIGRATING_OUT) {
            throw new IllegalTransitionException("migration " + migrationId + ": the VM may move only after its vTPCM state was sent "
                    + "(MIGRATING_OUT); the vTPCM is " + row.state());
        }
        Optional<String> boundDestination = row.migration().flatMap(MigrationBinding::destinationNode);
        if (!boundDestination.equals(Optional.of(destinationNode))) {
            throw new MigrationMismatchException(MigrationMismatchException.Reason.DESTINATION_MISMATCH, "migration " + migrationId
                    + ": the vTPCM's state was sent to " + boundDestination.orElse("no recorded node") + ", so the VM may move only "
                    + "there, not to " + destinationNode);
        }
        for (Run other : runs.values()) {
            if (other.vmUuid.equals(vmUuid) && other.status == VmMigrationStatus.RUNNING) {
                throw new IllegalTransitionException("vm " + vmUuid + " is already migrating (migration " + other.migrationId + ")");
            }
        }
        Run run = new Run(migrationId, vmUuid, row.vmName(), destinationUri, clock.instant());
        remember(run);
        LOG.info("migration {}: live migration of {} to {} started ({})", migrationId, row.vmName(), destinationUri, options);
        workers.execute(() -> migrate(run, options));
        workers.execute(() -> sampleProgress(run));
        return view(run);
    }

    private void migrate(Run run, MigrationOptions options) {
        try {
            Duration took = libvirt.migrateLive(run.vmName, run.destinationUri, options);
            run.wallMillis = took.toMillis();
            run.status = VmMigrationStatus.COMPLETED;
            LOG.info("migration {}: live migration of {} completed in {} ms", run.migrationId, run.vmName, took.toMillis());
        } catch (RuntimeException e) {
            run.wallMillis = Duration.between(run.startedAt, clock.instant()).toMillis();
            run.error = e.getMessage();
            run.status = VmMigrationStatus.FAILED;
            LOG.warn("migration {}: live migration of {} failed: {}", run.migrationId, run.vmName, e.getMessage());
        }
        changed();
    }

    private synchronized void changed() {
        notifyAll();
    }

    /**
     * Holds a caller (a long-polled GET) until the migration switches over (libvirtd confirmed it) or
     * ends, or {@code wait} has passed; at once if it already has, or if this manager knows no such run.
     */
    public synchronized void awaitSwitchoverOrEnd(UUID migrationId, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Run run = runs.get(migrationId);
            if (run == null || run.status != VmMigrationStatus.RUNNING) {
                return;
            }
            noteConfirmation(run);
            long left = deadline - System.nanoTime();
            if (run.confirmedAt != null || left <= 0) {
                return;
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * From the guest's stop here (SUSPENDED) until libvirtd confirms or the job ends: reads libvirtd's
     * status file every few milliseconds (a local file), so that the switchover is known, and those
     * waiting for it are woken, the moment libvirtd enters its Confirm phase.
     */
    private void watchConfirmation(Run run) {
        long deadline = System.nanoTime() + CONFIRM_WATCH.toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (this) {
                if (run.status != VmMigrationStatus.RUNNING) {
                    return;
                }
                noteConfirmation(run);
                if (run.confirmedAt != null) {
                    notifyAll();
                    return;
                }
            }
            try {
                Thread.sleep(CONFIRM_READ_EVERY.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Reads the job's byte counts on the monitoring connection until the guest stops here. Off the
     * request path: a libvirt call on the domain waits while libvirtd holds it (for 1-2 s while it stops
     * QEMU after the switchover), and the engine's polls must not wait with it.
     */
    private void sampleProgress(Run run) {
        while (run.status == VmMigrationStatus.RUNNING && run.suspendedAt == null) {
            try {
                run.progress = monitor.jobProgress(run.vmName).filter(p -> p.dataTotal() > 0).orElse(run.progress);
            } catch (RuntimeException e) {
                LOG.debug("no job progress for {}: {}", run.vmName, e.getMessage());
            }
            try {
                Thread.sleep(PROGRESS_EVERY.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The migration's state; UNKNOWN (with the domain's local state) when this manager has no record of it. */
    public synchronized OutgoingView outgoing(UUID migrationId, UUID vmUuid) {
        Run run = runs.get(migrationId);
        if (run != null) {
            sameVm(run, vmUuid);
        }
        if (run == null) {
            DomainView domain = domain(vmUuid);
            return new OutgoingView(migrationId, vmUuid, domain.name(), VmMigrationStatus.UNKNOWN, null, null, null, null, null, domain.state(),
                    null, null);
        }
        return view(run);
    }

    /** Where this manager's own libvirt job moving a VM away stands. */
    public enum Departure {
        /** No job of this manager moves the VM now. */
        NONE,
        /** The job runs and libvirtd has not confirmed success: the guest may still resume here. */
        UNDER_WAY,
        /**
         * libvirtd confirmed success and is stopping QEMU here: the guest cannot resume here any more;
         * libvirt undefines the domain itself when the job ends, and any call on the domain waits for that.
         */
        SWITCHED_OVER
    }

    public synchronized Departure departure(UUID vmUuid) {
        for (Run run : runs.values()) {
            if (run.vmUuid.equals(vmUuid) && run.status == VmMigrationStatus.RUNNING) {
                noteConfirmation(run);
                return run.confirmedAt != null ? Departure.SWITCHED_OVER : Departure.UNDER_WAY;
            }
        }
        return Departure.NONE;
    }

    /** Asks libvirt to abort a running migration; the guest keeps running here. */
    public synchronized OutgoingView abort(UUID migrationId) {
        Run run = runs.get(migrationId);
        if (run == null) {
            throw new org.vtpcm.manager.association.UnknownVtpcmException("no VM migration " + migrationId + " on this node");
        }
        if (run.status == VmMigrationStatus.RUNNING) {
            libvirt.abortJob(run.vmName);
        }
        return view(run);
    }

    /** Destination: the arrived domain's state and QEMU's figures, for the vTPCM's current migration. */
    public ArrivalView arrival(UUID migrationId, UUID vmUuid) {
        return arrival(MigrationMismatchException.requireCurrent(associations.live(vmUuid), migrationId));
    }

    private ArrivalView arrival(Association row) {
        UUID vmUuid = row.vmUuid();
        DomainState state = libvirt.state(row.vmName()).orElse(DomainState.SHUT_OFF);
        CompletedJob job = libvirt.completedJob(row.vmName()).orElse(new CompletedJob(-1, -1, -1));
        return new ArrivalView(vmUuid, row.vmName(), state, job.downtimeMillis(), job.elapsedMillis(), job.dataTransferredBytes());
    }

    /**
     * Destination, after the engine verified the state: resumes the guest kept paused by
     * verify-before-resume. Only the VM of a vTPCM STAGED in this migration (at its epoch, when given) may run here.
     */
    public ArrivalView resume(UUID migrationId, UUID vmUuid, Optional<Long> epoch) {
        Association row = MigrationMismatchException.requireCurrent(associations.live(vmUuid), migrationId);
        if (row.state() != VtpcmState.STAGED) {
            throw new IllegalTransitionException("migration " + migrationId + ": the VM may run here only with a staged vTPCM; it is "
                    + row.state());
        }
        if (epoch.isPresent() && epoch.get() != row.epoch()) {
            throw new IllegalTransitionException("migration " + migrationId + ": the staged vTPCM has epoch " + row.epoch()
                    + ", the migration's is " + epoch.get() + "; the VM stays paused");
        }
        ArrivalView before = arrival(row);
        if (before.domainState() == DomainState.PAUSED) {
            libvirt.resume(row.vmName());
            LOG.info("migration {}: {} resumed here after verification", migrationId, row.vmName());
        }
        return new ArrivalView(vmUuid, before.vmName(), libvirt.state(row.vmName()).orElse(DomainState.SHUT_OFF),
                before.downtimeMillis(), before.elapsedMillis(), before.dataBytes());
    }

    /** The domain with this UUID on this host, whether or not a vTPCM belongs to it. */
    public DomainView domain(UUID vmUuid) {
        for (DomainSummary summary : libvirt.domains()) {
            if (summary.uuid().equals(vmUuid)) {
                return new DomainView(vmUuid, true, summary.name(), summary.state());
            }
        }
        return new DomainView(vmUuid, false, null, null);
    }

    /**
     * While the migration runs, no libvirt call is made here (the engine polls this to notice a lost
     * destination and the switchover in time): progress comes from the sampler, the Confirm phase
     * from libvirtd's status file. Progress is empty until libvirt has byte counts (the first few
     * hundred milliseconds of the job).
     */
    private OutgoingView view(Run run) {
        DomainState state = null;
        JobProgress progress = null;
        if (run.status == VmMigrationStatus.RUNNING) {
            progress = run.suspendedAt == null ? run.progress : null;
            noteConfirmation(run);
        } else {
            try {
                state = libvirt.state(run.vmName).orElse(null);
            } catch (RuntimeException e) {
                LOG.debug("no state for {}: {}", run.vmName, e.getMessage());
            }
        }
        Long wall = run.wallMillis != null ? run.wallMillis : Long.valueOf(Duration.between(run.startedAt, clock.instant()).toMillis());
        return new OutgoingView(run.migrationId, run.vmUuid, run.vmName, run.status, run.destinationUri, run.startedAt, wall, progress,
                run.error, state, run.suspendedAt, run.confirmedAt);
    }

    /** Once the guest stopped here: has libvirtd entered its Confirm phase with success? */
    private void noteConfirmation(Run run) {
        if (run.suspendedAt == null || run.confirmedAt != null || !confirmation.confirmed(run.vmName)) {
            return;
        }
        run.confirmedAt = clock.instant();
        LOG.info("migration {}: libvirtd confirmed the live migration of {} ({} ms after the guest stopped here); stopping QEMU",
                run.migrationId, run.vmName, Duration.between(run.suspendedAt, run.confirmedAt).toMillis());
    }

    /** A run answers only for its own VM. */
    private static void sameVm(Run run, UUID vmUuid) {
        if (!run.vmUuid.equals(vmUuid)) {
            throw new MigrationMismatchException(MigrationMismatchException.Reason.MIGRATION_MISMATCH, "migration " + run.migrationId
                    + " moves another VM than " + vmUuid);
        }
    }

    private void remember(Run run) {
        runs.put(run.migrationId, run);
        if (runs.size() > KEPT_RUNS) {
            runs.entrySet().stream().filter(e -> e.getValue().status != VmMigrationStatus.RUNNING).findFirst()
                    .ifPresent(oldest -> runs.remove(oldest.getKey()));
        }
    }

    /**
     * Libvirt's life-cycle events: the SUSPENDED of a migrating domain is the moment its guest stops
     * at the source, where downtime starts (the engine ends it at the resume at the destination).
     */
    public synchronized void onEvent(org.vtpcm.manager.libvirt.DomainLifecycleEvent event) {
        if (event.kind() != org.vtpcm.manager.libvirt.DomainLifecycleEvent.Kind.SUSPENDED) {
            return;
        }
        Instant now = clock.instant();
        for (Run run : runs.values()) {
            if (run.status == VmMigrationStatus.RUNNING && run.vmName.equals(event.domainName()) && run.suspendedAt == null) {
                run.suspendedAt = now;
                workers.execute(() -> watchConfirmation(run));
            }
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
        monitor.close();
    }
}
