package org.vtpcm.manager;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Inject;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.manager.api.ApiServer;
import org.vtpcm.manager.api.MigrationHookResource;
import org.vtpcm.manager.api.NodeResource;
import org.vtpcm.manager.api.ReferenceValueResource;
import org.vtpcm.manager.api.VmMigrationResource;
import org.vtpcm.manager.api.VmResource;
import org.vtpcm.manager.association.AssociationStore;
import org.vtpcm.manager.association.ControlPolicy;
import org.vtpcm.manager.config.ManagerConfig;
import org.vtpcm.manager.keys.VtpcmSecretStore;
import org.vtpcm.manager.libvirt.LibvirtHost;
import org.vtpcm.manager.lifecycle.DomainEventHandler;
import org.vtpcm.nodeapi.ReconcileReport;
import org.vtpcm.manager.lifecycle.StartupReconciler;
import org.vtpcm.manager.lifecycle.VtpcmLifecycle;
import org.vtpcm.manager.migration.MigrationHooks;
import org.vtpcm.manager.migration.VmMigrations;
import org.vtpcm.manager.node.CodeFiles;
import org.vtpcm.manager.node.NodeAttestation;
import org.vtpcm.protocol.store.SqliteDatabase;
import org.vtpcm.manager.tpcm.MeasurementLog;
import org.vtpcm.manager.tpcm.ReferenceValueLibrary;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.protocol.tls.MutualTls;
import org.vtpcm.protocol.tls.RevocationList;

/**
 * Owns the running manager's resources and starts and stops them in one place, in order:
 * measure the platform, open the database, reconcile with libvirt, follow domain events, serve.
 */
public final class ManagerDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ManagerDaemon.class);

    private final ManagerConfig config;
    private final NodeAttestation attestation;
    private final SqliteDatabase database;
    private final LibvirtHost libvirt;
    private final StartupReconciler reconciler;
    private final DomainEventHandler domainEvents;
    private final VtpcmLifecycle lifecycle;
    private final MigrationHooks hooks;
    private final AssociationStore associations;
    private final ReferenceValueLibrary referenceValues;
    private final MeasurementLog measurementLog;
    private final VtpcmSecretStore secrets;
    private final CryptoSuite suite;
    private final ObjectMapper json;
    private final ControlPolicy defaultPolicy;
    private final org.vtpcm.manager.migration.StateTransferHooks transfer;
    private final org.vtpcm.manager.keys.NodeBundleKey bundleKey;
    private final AtomicReference<ReconcileReport> lastReconcile = new AtomicReference<>();
    private final VmMigrations vmMigrations;
    private final org.vtpcm.manager.migration.BundlePush bundlePush;
    private final org.vtpcm.manager.migration.ChunkedBundleReceiver bundleReceiver;
    private final RevocationList revocations;
    private ApiServer api;

    @Inject
    public ManagerDaemon(ManagerConfig config, NodeAttestation attestation, SqliteDatabase database, LibvirtHost libvirt,
            StartupReconciler reconciler, DomainEventHandler domainEvents, VtpcmLifecycle lifecycle, MigrationHooks hooks,
            AssociationStore associations, ReferenceValueLibrary referenceValues, MeasurementLog measurementLog,
            VtpcmSecretStore secrets, CryptoSuite suite, ObjectMapper json, ControlPolicy defaultPolicy,
            org.vtpcm.manager.migration.StateTransferHooks transfer, org.vtpcm.manager.keys.NodeBundleKey bundleKey,
            VmMigrations vmMigrations, org.vtpcm.manager.migration.BundlePush bundlePush,
            org.vtpcm.manager.migration.ChunkedBundleReceiver bundleReceiver, RevocationList revocations) {
        this.revocations = requireNonNull(revocations, "revocations is null");
        this.vmMigrations = vmMigrations;
        this.transfer = transfer;
        this.bundleKey = bundleKey;
        this.config = requireNonNull(config, "config is null");
        this.attestation = attestation;
        this.database = database;
        this.libvirt = libvirt;
        this.reconciler = reconciler;
        this.domainEvents = domainEvents;
        this.lifecycle = lifecycle;
        this.hooks = hooks;
        this.associations = associations;
        this.referenceValues = referenceValues;
        this.measurementLog = measurementLog;
        this.secrets = secrets;
        this.suite = suite;
        this.json = json;
        this.defaultPolicy = defaultPolicy;
        this.bundlePush = requireNonNull(bundlePush, "bundlePush is null");
        this.bundleReceiver = requireNonNull(bundleReceiver, "bundleReceiver is null");
    }

    public void start() {
        attestation.measureStart(CodeFiles.ofThisProcess(), config.file(), config.measuredBinaries());
        lastReconcile.set(reconciler.reconcile());
        libvirt.addLifecycleListener(domainEvents);
        libvirt.addLifecycleListener(vmMigrations::onEvent);
        api = new ApiServer(config.nodeName(), config.apiAddress(), config.apiPort(), config.apiMaxBodyBytes(),
                MutualTls.context(config.tlsDirectory(), "node", ApiServer.ACCEPTED_ROLES, revocations), revocations, json, List.of(
                        new NodeResource(config.nodeName(), suite.name().name().toLowerCase(java.util.Locale.ROOT), attestation,
                                lastReconcile::get, json, java.util.HexFormat.of().formatHex(suite.encodePublicKey(bundleKey.publicKey())),
                                libvirt::hostCpu),
                        new VmResource(lifecycle, associations, measurementLog, secrets, json, defaultPolicy),
                        new ReferenceValueResource(referenceValues, json),
                        new MigrationHookResource(hooks, transfer, suite, json),
                        new org.vtpcm.manager.api.BundleSendResource(bundlePush, suite, json),
                        new org.vtpcm.manager.api.BundleReceiveResource(bundleReceiver, json),
                        new VmMigrationResource(vmMigrations, json),
                        new org.vtpcm.manager.api.RevocationResource(revocations)));
        LOG.info("vtpcm-manager {} ready: suite {}, root of trust: {}, database {}", config.nodeName(), suite.name(),
                attestation.rootOfTrust(), database.file());
    }

    @Override
    public void close() {
        if (api != null) {
            api.close();
        }
        vmMigrations.close();
        libvirt.close();
        attestation.close();
        database.close();
        LOG.info("vtpcm-manager {} stopped", config.nodeName());
    }
}
