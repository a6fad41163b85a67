package org.vtpcm.manager;

import org.vtpcm.manager.store.NodeSchema;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import org.vtpcm.attestation.DeviceTpm;
import org.vtpcm.attestation.EmulatedPlatformTpm;
import org.vtpcm.attestation.PlatformTpm;
import org.vtpcm.manager.api.ManagerApi;
import org.vtpcm.manager.association.AssociationStore;
import org.vtpcm.manager.association.ControlPolicy;
import org.vtpcm.manager.config.ManagerConfig;
import org.vtpcm.manager.domain.DomainXmlPatcher;
import org.vtpcm.manager.engine.InterposerChannels;
import org.vtpcm.manager.engine.SwtpmEngines;
import org.vtpcm.manager.engine.TpmEngines;
import org.vtpcm.manager.keys.NodeMasterKey;
import org.vtpcm.manager.keys.VtpcmSecretStore;
import org.vtpcm.manager.libvirt.LibvirtConnector;
import org.vtpcm.manager.libvirt.LibvirtHost;
import org.vtpcm.manager.libvirt.LibvirtStatusFiles;
import org.vtpcm.manager.libvirt.LibvirtJavaConnector;
import org.vtpcm.manager.lifecycle.DomainEventHandler;
import org.vtpcm.manager.lifecycle.StartupReconciler;
import org.vtpcm.manager.lifecycle.VtpcmLifecycle;
import org.vtpcm.collector.store.RetentionPolicy;
import org.vtpcm.collector.store.SnapshotStore;
import org.vtpcm.manager.keys.NodeBundleKey;
import org.vtpcm.manager.migration.BundlePush;
import org.vtpcm.manager.migration.BundleSender;
import org.vtpcm.manager.migration.BundleSpool;
import org.vtpcm.manager.migration.BundleTransport;
import org.vtpcm.manager.migration.ChunkedBundleReceiver;
import org.vtpcm.manager.migration.HttpBundleTransport;
import org.vtpcm.manager.migration.IncomingMigrations;
import org.vtpcm.manager.migration.MigrationHooks;
import org.vtpcm.manager.migration.VmMigrations;
import org.vtpcm.manager.migration.StateTransferHooks;
import org.vtpcm.manager.node.NodeAttestation;
import org.vtpcm.protocol.store.SqliteDatabase;
import org.vtpcm.manager.tpcm.BootMeasurer;
import org.vtpcm.manager.tpcm.MeasurementLog;
import org.vtpcm.manager.tpcm.ReferenceValueLibrary;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.tls.MutualTls;
import org.vtpcm.protocol.tls.RevocationList;
import org.vtpcm.service.rest.ApiJson;

/**
 * Guice wiring of the vTPCM manager: everything is built from the one {@link ManagerConfig}. Classes with an injectable
 * constructor are only bound here; the providers left build what needs a value of the config, or open a resource
 * (database, libvirt, platform TPM, key files) that the {@link ManagerDaemon} then owns and closes.
 */
public final class ManagerModule extends AbstractModule {
    private static final Duration PLATFORM_TPM_START = Duration.ofSeconds(20);

    private final ManagerConfig config;

    public ManagerModule(ManagerConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    protected void configure() {
        bind(ManagerConfig.class).toInstance(config);
        bind(Clock.class).toInstance(Clock.systemUTC());
        bind(LibvirtConnector.class).to(LibvirtJavaConnector.class);
        bind(DomainXmlPatcher.class).in(Scopes.SINGLETON);
        bind(AssociationStore.class).in(Scopes.SINGLETON);
        bind(VtpcmSecretStore.class).in(Scopes.SINGLETON);
        bind(ReferenceValueLibrary.class).in(Scopes.SINGLETON);
        bind(BootMeasurer.class).in(Scopes.SINGLETON);
        bind(MeasurementLog.class).in(Scopes.SINGLETON);
        bind(DomainEventHandler.class).in(Scopes.SINGLETON);
        bind(StartupReconciler.class).in(Scopes.SINGLETON);
        bind(ManagerApi.class).in(Scopes.SINGLETON);
    }

    @Provides
    @Singleton
    CryptoSuite suite() {
        return CryptoSuites.of(config.suite());
    }

    @Provides
    @Singleton
    SqliteDatabase database() {
        return NodeSchema.open(config.databaseFile());
    }

    @Provides
    @Singleton
    NodeMasterKey masterKey(CryptoSuite suite) {
        return NodeMasterKey.loadOrCreate(config.stateDirectory().resolve("keys").resolve("master.key"), suite);
    }

    @Provides
    @Singleton
    TpmEngines engines(SwtpmEngines engines) {
        return engines;
    }

    @Provides
    @Singleton
    SwtpmEngines swtpmEngines(InterposerChannels channels) {
        return new SwtpmEngines(config.swtpmBinary(), config.stateDirectory().resolve("vtpcm"), config.runDirectory(), channels,
                config.swtpmPoolSize());
    }

    @Provides
    @Singleton
    InterposerChannels interposerChannels() {
        return new InterposerChannels(config.runDirectory(), config.stateDirectory().resolve("interposer.log"),
                config.suite().name().toLowerCase(java.util.Locale.ROOT));
    }

    @Provides
    @Singleton
    LibvirtHost libvirt(LibvirtConnector connector) {
        return connector.connectWithEvents(config.libvirtUri());
    }

    @Provides
    @Singleton
    VtpcmLifecycle lifecycle(AssociationStore associations, VtpcmSecretStore secrets, TpmEngines engines, LibvirtHost libvirt,
            DomainXmlPatcher patcher, BootMeasurer measurer, MeasurementLog log) {
        return new VtpcmLifecycle(config.nodeName(), associations, secrets, engines, libvirt, patcher, measurer, log);
    }

    @Provides
    @Singleton
    MigrationHooks migrationHooks(AssociationStore associations, VtpcmSecretStore secrets, TpmEngines engines,
            IncomingMigrations incoming, CryptoSuite suite, LibvirtHost libvirt, VmMigrations vmMigrations) {
        return new MigrationHooks(config.nodeName(), associations, secrets, engines, incoming, suite, libvirt, vmMigrations::departure);
    }

    @Provides
    @Singleton
    IncomingMigrations incomingMigrations(BundleSpool spool) {
        return new IncomingMigrations(spool::delete);
    }

    @Provides
    @Singleton
    BundleSpool bundleSpool() {
        // cleared by the daemon at start (ManagerDaemon.LocalState)
        return new BundleSpool(config.stateDirectory().resolve("incoming"));
    }

    @Provides
    @Singleton
    ChunkedBundleReceiver bundleReceiver(IncomingMigrations incoming, BundleSpool spool, StateTransferHooks transfer) {
        return new ChunkedBundleReceiver(incoming, spool, transfer, config.maxBundleBytes());
    }

    @Provides
    @Singleton
    BundlePush bundlePush(StateTransferHooks transfer, RevocationList revocations) {
        // pushes with this node's own TLS identity: the destination checks it is the source node it prepared for;
        // and pushes only to a node manager (never to, say, a QEMU listener with the node's name)
        BundleTransport transport = new HttpBundleTransport(MutualTls.context(config.tlsDirectory(), "node",
                java.util.Set.of(org.vtpcm.protocol.pki.Role.NODE_MANAGER), revocations));
        return new BundlePush(transfer, new BundleSender(transport, BundleSender.DEFAULT_CHUNK_BYTES, BundleSender.DEFAULT_BACKOFF));
    }

    /** The cloud CA's revocation list as the engine last pushed it, kept beside the node's TLS identity. */
    @Provides
    @Singleton
    RevocationList revocations() {
        return RevocationList.persistent(org.vtpcm.protocol.pki.Pem.readCertificate(config.tlsDirectory().resolve("ca.crt")),
                config.tlsDirectory().resolve("revocations.crl"));
    }

    @Provides
    @Singleton
    NodeBundleKey nodeBundleKey(NodeMasterKey masterKey, CryptoSuite suite) {
        return NodeBundleKey.loadOrCreate(config.stateDirectory().resolve("keys"), masterKey, suite);
    }

    @Provides
    @Singleton
    SnapshotStore snapshots(NodeMasterKey masterKey, CryptoSuite suite, Clock clock) {
        // recovered by the daemon at start (ManagerDaemon.LocalState)
        return new SnapshotStore(config.stateDirectory().resolve("snapshots"), suite, masterKey.snapshotStoreKey(), clock,
                RetentionPolicy.defaults());
    }

    @Provides
    @Singleton
    StateTransferHooks stateTransfer(AssociationStore associations, VtpcmSecretStore secrets, TpmEngines engines, MeasurementLog log,
            ReferenceValueLibrary references, SnapshotStore snapshots, NodeBundleKey nodeKey, IncomingMigrations incoming,
            LibvirtHost libvirt, CryptoSuite suite, Clock clock, VmMigrations vmMigrations) {
        return new StateTransferHooks(config.nodeName(), associations, secrets, engines, log, references, snapshots, nodeKey, incoming,
                libvirt, suite, clock, vmMigrations::departure);
    }

    @Provides
    @Singleton
    VmMigrations vmMigrations(AssociationStore associations, LibvirtHost libvirt, LibvirtConnector connector, Clock clock) {
        return new VmMigrations(associations, libvirt, connector.connect(config.libvirtUri()),
                new LibvirtStatusFiles(config.libvirtStatusDirectory()), clock, config.allowPlaintextMigration());
    }

    @Provides
    @Singleton
    PlatformTpm platformTpm() {
        return openPlatformTpm(config);
    }

    @Provides
    @Singleton
    NodeAttestation attestation(PlatformTpm tpm) {
        return new NodeAttestation(config.nodeName(), tpm, config.tlsDirectory().resolve("ak.crt"));
    }

    @Provides
    @Singleton
    ObjectMapper json() {
        return ApiJson.mapper();
    }

    @Provides
    ControlPolicy defaultPolicy() {
        return ControlPolicy.parse(config.defaultPolicy());
    }

    /** The root of trust the config names: the emulated one here, the device TPM on real hosts. */
    public static PlatformTpm openPlatformTpm(ManagerConfig config) {
        return switch (config.platformTpm()) {
            case EMULATED -> EmulatedPlatformTpm.start(config.platformTpmStateDirectory(), config.runDirectory(), PLATFORM_TPM_START,
                    EmulatedPlatformTpm.DEFAULT_SWTPM, config.platformTpmKeyFile());
            case DEVICE -> DeviceTpm.open(config.platformTpmDevice());
        };
    }
}
