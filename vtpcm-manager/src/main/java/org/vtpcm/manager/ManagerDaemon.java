package org.vtpcm.manager;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.collector.store.SnapshotStore;
import org.vtpcm.manager.api.ApiServer;
import org.vtpcm.manager.api.ManagerApi;
import org.vtpcm.manager.config.ManagerConfig;
import org.vtpcm.manager.libvirt.LibvirtHost;
import org.vtpcm.manager.lifecycle.DomainEventHandler;
import org.vtpcm.nodeapi.ReconcileReport;
import org.vtpcm.manager.lifecycle.StartupReconciler;
import org.vtpcm.manager.migration.BundleSpool;
import org.vtpcm.manager.engine.SwtpmEngines;
import org.vtpcm.manager.migration.VmMigrations;
import org.vtpcm.manager.node.CodeFiles;
import org.vtpcm.manager.node.NodeAttestation;
import org.vtpcm.protocol.store.SqliteDatabase;
import org.vtpcm.service.lifecycle.Lifecycle;

/**
 * Owns the running manager's resources and starts and stops them in one place, in order:
 * measure the platform, open the database, recover local state, reconcile with libvirt, follow
 * domain events, serve; stopping goes in reverse.
 */
public final class ManagerDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ManagerDaemon.class);

    private final ManagerConfig config;
    private final NodeAttestation attestation;
    private final SqliteDatabase database;
    private final LibvirtHost libvirt;
    private final LocalState state;
    private final StartupReconciler reconciler;
    private final DomainEventHandler domainEvents;
    private final VmMigrations vmMigrations;
    private final SwtpmEngines engines;
    private final ManagerApi api;
    private final Lifecycle lifecycle = new Lifecycle();
    private final AtomicReference<ReconcileReport> lastReconcile = new AtomicReference<>();
    private ApiServer server;

    /** What the manager keeps on disk between runs and recovers at start. */
    public static final class LocalState {
        private final BundleSpool spool;
        private final SnapshotStore snapshots;

        @Inject
        public LocalState(BundleSpool spool, SnapshotStore snapshots) {
            this.spool = requireNonNull(spool, "spool is null");
            this.snapshots = requireNonNull(snapshots, "snapshots is null");
        }

        void recover() {
            spool.clear(); // prepared migrations live in memory: whatever a previous run spooled is orphaned
            snapshots.recover();
        }
    }

    @Inject
    public ManagerDaemon(ManagerConfig config, NodeAttestation attestation, SqliteDatabase database, LibvirtHost libvirt, LocalState state,
            StartupReconciler reconciler, DomainEventHandler domainEvents, VmMigrations vmMigrations, SwtpmEngines engines, ManagerApi api) {
        this.config = requireNonNull(config, "config is null");
        this.attestation = requireNonNull(attestation, "attestation is null");
        this.database = requireNonNull(database, "database is null");
        this.libvirt = requireNonNull(libvirt, "libvirt is null");
        this.state = requireNonNull(state, "state is null");
        this.reconciler = requireNonNull(reconciler, "reconciler is null");
        this.domainEvents = requireNonNull(domainEvents, "domainEvents is null");
        this.vmMigrations = requireNonNull(vmMigrations, "vmMigrations is null");
        this.engines = requireNonNull(engines, "engines is null");
        this.api = requireNonNull(api, "api is null");
        // opened by the injector; closed here, last
        lifecycle.opened("database", database::close);
        lifecycle.opened("platform TPM", attestation::close);
        lifecycle.opened("libvirt", libvirt::close);
        lifecycle.opened("VM migrations", vmMigrations::close);
    }

    public void start() {
        lifecycle.run("measure start", () -> attestation.measureStart(CodeFiles.ofThisProcess(), config.file(), config.measuredBinaries()));
        lifecycle.run("recover local state", state::recover);
        lifecycle.start("control channels and TPM engines", engines::open, engines::close);
        lifecycle.run("reconcile", () -> lastReconcile.set(reconciler.reconcile()));
        lifecycle.run("follow domain events", () -> {
            libvirt.addLifecycleListener(domainEvents);
            libvirt.addLifecycleListener(vmMigrations::onEvent);
        });
        lifecycle.start("REST API", () -> server = api.start(lastReconcile::get), () -> server.close());
        LOG.info("vtpcm-manager {} ready: suite {}, root of trust: {}, database {}", config.nodeName(), config.suite(),
                attestation.rootOfTrust(), database.file());
    }

    @Override
    public void close() {
        lifecycle.close();
        LOG.info("vtpcm-manager {} stopped", config.nodeName());
    }
}
