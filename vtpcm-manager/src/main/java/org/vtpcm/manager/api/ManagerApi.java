package org.vtpcm.manager.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Inject;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.vtpcm.manager.association.AssociationStore;
import org.vtpcm.manager.association.ControlPolicy;
import org.vtpcm.manager.config.ManagerConfig;
import org.vtpcm.manager.keys.NodeBundleKey;
import org.vtpcm.manager.keys.VtpcmSecretStore;
import org.vtpcm.manager.libvirt.LibvirtHost;
import org.vtpcm.nodeapi.ReconcileReport;
import org.vtpcm.manager.lifecycle.VtpcmLifecycle;
import org.vtpcm.manager.migration.BundlePush;
import org.vtpcm.manager.migration.ChunkedBundleReceiver;
import org.vtpcm.manager.migration.MigrationHooks;
import org.vtpcm.manager.migration.StateTransferHooks;
import org.vtpcm.manager.migration.VmMigrations;
import org.vtpcm.manager.node.NodeAttestation;
import org.vtpcm.manager.tpcm.MeasurementLog;
import org.vtpcm.manager.tpcm.ReferenceValueLibrary;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.protocol.tls.MutualTls;
import org.vtpcm.protocol.tls.RevocationList;
import org.vtpcm.service.rest.ApiRoutes;

/** The manager's REST API as a whole: its resources, put together once, and the server that serves them. */
public final class ManagerApi {
    private final ManagerConfig config;
    private final ObjectMapper json;
    private final CryptoSuite suite;
    private final RevocationList revocations;
    private final NodeAttestation attestation;
    private final NodeBundleKey bundleKey;
    private final LibvirtHost libvirt;
    private final List<ApiRoutes> resources;

    @Inject
    public ManagerApi(ManagerConfig config, ObjectMapper json, CryptoSuite suite, RevocationList revocations, NodeAttestation attestation,
            NodeBundleKey bundleKey, LibvirtHost libvirt, Vms vms, Migrations migrations) {
        this.config = requireNonNull(config, "config is null");
        this.json = requireNonNull(json, "json is null");
        this.suite = requireNonNull(suite, "suite is null");
        this.revocations = requireNonNull(revocations, "revocations is null");
        this.attestation = requireNonNull(attestation, "attestation is null");
        this.bundleKey = requireNonNull(bundleKey, "bundleKey is null");
        this.libvirt = requireNonNull(libvirt, "libvirt is null");
        this.resources = List.of(
                new VmResource(vms.lifecycle, vms.associations, vms.measurementLog, vms.secrets, json, vms.defaultPolicy),
                new ReferenceValueResource(vms.referenceValues, json),
                new MigrationHookResource(migrations.hooks, migrations.transfer, suite, json),
                new BundleSendResource(migrations.bundlePush, suite, json),
                new BundleReceiveResource(migrations.bundleReceiver, json),
                new VmMigrationResource(migrations.vmMigrations, migrations.bundlePush::status, json),
                new RevocationResource(revocations));
    }

    /** What the VM endpoints work on. */
    public static final class Vms {
        final VtpcmLifecycle lifecycle;
        final AssociationStore associations;
        final MeasurementLog measurementLog;
        final VtpcmSecretStore secrets;
        final ReferenceValueLibrary referenceValues;
        final ControlPolicy defaultPolicy;

        @Inject
        public Vms(VtpcmLifecycle lifecycle, AssociationStore associations, MeasurementLog measurementLog, VtpcmSecretStore secrets,
                ReferenceValueLibrary referenceValues, ControlPolicy defaultPolicy) {
            this.lifecycle = requireNonNull(lifecycle, "lifecycle is null");
            this.associations = requireNonNull(associations, "associations is null");
            this.measurementLog = requireNonNull(measurementLog, "measurementLog is null");
            this.secrets = requireNonNull(secrets, "secrets is null");
            this.referenceValues = requireNonNull(referenceValues, "referenceValues is null");
            this.defaultPolicy = requireNonNull(defaultPolicy, "defaultPolicy is null");
        }
    }

    /** What the migration endpoints work on. */
    public static final class Migrations {
        final MigrationHooks hooks;
        final StateTransferHooks transfer;
        final BundlePush bundlePush;
        final ChunkedBundleReceiver bundleReceiver;
        final VmMigrations vmMigrations;

        @Inject
        public Migrations(MigrationHooks hooks, StateTransferHooks transfer, BundlePush bundlePush, ChunkedBundleReceiver bundleReceiver,
                VmMigrations vmMigrations) {
            this.hooks = requireNonNull(hooks, "hooks is null");
            this.transfer = requireNonNull(transfer, "transfer is null");
            this.bundlePush = requireNonNull(bundlePush, "bundlePush is null");
            this.bundleReceiver = requireNonNull(bundleReceiver, "bundleReceiver is null");
            this.vmMigrations = requireNonNull(vmMigrations, "vmMigrations is null");
        }
    }

    /** Starts serving; the node resource reports the start-up reconciliation. */
    public ApiServer start(Supplier<ReconcileReport> lastReconcile) {
        NodeResource node = new NodeResource(config.nodeName(), suite.name().name().toLowerCase(Locale.ROOT), attestation, lastReconcile,
                json, HexFormat.of().formatHex(suite.encodePublicKey(bundleKey.publicKey())), libvirt::hostCpu);
        List<ApiRoutes> routes = new java.util.ArrayList<>();
        routes.add(node);
        routes.addAll(resources);
        return new ApiServer(config.nodeName(), config.apiAddress(), config.apiPort(), config.apiMaxBodyBytes(),
                MutualTls.context(config.tlsDirectory(), "node", ApiServer.ACCEPTED_ROLES, revocations), revocations, json, routes);
    }
}
