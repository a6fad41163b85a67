package org.vtpcm.engine;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.Singleton;
import com.google.inject.name.Named;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.vtpcm.protocol.pki.Role;
import org.vtpcm.engine.attestation.EnrolledAks;
import org.vtpcm.engine.attestation.HostAttester;
import org.vtpcm.engine.attestation.ReferenceValueStore;
import org.vtpcm.engine.certificates.CertificateRegistry;
import org.vtpcm.engine.certificates.EngineIdentity;
import org.vtpcm.engine.certificates.RevocationPublisher;
import org.vtpcm.engine.config.EngineConfig;
import org.vtpcm.engine.enrollment.EnrollmentExchange;
import org.vtpcm.engine.enrollment.EnrollmentRecords;
import org.vtpcm.engine.enrollment.EnrollmentTokens;
import org.vtpcm.engine.enrollment.PendingChallenges;
import org.vtpcm.engine.hosts.NodeClients;
import org.vtpcm.engine.hosts.VtpcmLocator;
import org.vtpcm.engine.journal.EngineSchema;
import org.vtpcm.engine.journal.MigrationJournal;
import org.vtpcm.engine.metrics.EngineMetrics;
import org.vtpcm.engine.protocol.MigrationCoordinator;
import org.vtpcm.engine.nova.NovaMode;
import org.vtpcm.engine.protocol.NovaHooks;
import org.vtpcm.nova.NovaCloud;
import org.vtpcm.nova.NovaCloudClient;
import org.vtpcm.nova.NovaTls;
import org.vtpcm.engine.protocol.Protocol;
import org.vtpcm.engine.receipt.ReceiptSigner;
import org.vtpcm.attestation.enrollment.EnrollmentAuthority;
import org.vtpcm.protocol.store.SqliteDatabase;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.IssuedIdentity;
import org.vtpcm.protocol.tls.MutualTls;
import org.vtpcm.protocol.tls.Revocations;
import org.vtpcm.engine.api.CertificateResource;
import org.vtpcm.engine.api.EngineApi;
import org.vtpcm.engine.api.TlsContexts;
import org.vtpcm.engine.api.EngineApiServer;
import org.vtpcm.engine.api.EnrollmentTokenResource;
import org.vtpcm.engine.api.HostResource;
import org.vtpcm.engine.api.MigrationResource;
import org.vtpcm.engine.api.NovaHookResource;
import org.vtpcm.engine.api.NovaModeResource;
import org.vtpcm.engine.api.ReferenceValueResource;
import org.vtpcm.engine.api.VtpcmResource;
import org.vtpcm.service.rest.ApiJson;
import org.vtpcm.service.rest.ApiRoutes;

/**
 * Wires the migration engine from its configuration. Classes with an injectable constructor are only bound here (the
 * REST resources into the set the {@link EngineApi} serves); the providers left build what needs a value of the config
 * or opens a resource (CA files, database, TLS identity) that the {@link EngineDaemon} then owns and closes.
 */
public final class EngineModule extends AbstractModule {
    /** How long `migrate --nova` waits for Nova's driver to begin the protocol before answering. */
    private static final Duration NOVA_BEGIN_WAIT = Duration.ofSeconds(60);
    /** How often the revocation list is offered again to a host whose manager does not hold it yet. */
    private static final Duration REVOCATION_RETRY = Duration.ofSeconds(60);
    /** The engine's database under {@code state.dir}: journal, enrollments, certificate registry. */
    public static final String DATABASE_FILE = "engine.db";

    private final EngineConfig config;

    public EngineModule(EngineConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    protected void configure() {
        bind(EngineConfig.class).toInstance(config);
        bind(Clock.class).toInstance(Clock.systemUTC());
        bind(CertificateRegistry.class).in(Scopes.SINGLETON);
        // which certificates of the cloud CA are revoked, asked on every handshake of the engine: the registry's
        bind(Revocations.class).to(CertificateRegistry.class);
        bind(EnrollmentTokens.class).in(Scopes.SINGLETON);
        bind(EngineMetrics.class).in(Scopes.SINGLETON);
        bind(ReferenceValueStore.class).in(Scopes.SINGLETON);
        bind(VtpcmLocator.class).in(Scopes.SINGLETON);
        bind(EngineApi.class).in(Scopes.SINGLETON);
        Multibinder<ApiRoutes> resources = Multibinder.newSetBinder(binder(), ApiRoutes.class);
        for (Class<? extends ApiRoutes> resource : List.of(MigrationResource.class, HostResource.class, ReferenceValueResource.class,
                VtpcmResource.class, NovaHookResource.class, NovaModeResource.class, EnrollmentTokenResource.class,
                CertificateResource.class)) {
            resources.addBinding().to(resource);
        }
    }

    /** The cloud CA, created on first start. */
    @Provides
    @Singleton
    CloudCa cloudCa() {
        return Files.exists(config.caDirectory().resolve(CloudCa.CERTIFICATE_FILE)) ? CloudCa.load(config.caDirectory())
                : CloudCa.create("vtpcm cloud CA", config.caDirectory());
    }

    /**
     * The engine's mutual-TLS identity from the CA (server for its API, client of the managers), role engine: 90 days,
     * renewed at start-up when a third of its life is left (the old one revoked), recorded in the certificate registry.
     */
    @Provides
    @Singleton
    IssuedIdentity engineIdentity(CloudCa ca, CertificateRegistry certificates, Clock clock) {
        return EngineIdentity.current(ca, certificates, clock, config.stateDirectory().resolve("tls"), CloudCa.ENGINE_NAME,
                config.apiAddress());
    }

    /** The engine API's TLS: operators, dashboards, compute services and nodes (health only) may connect. */
    @Provides
    @Singleton
    @Named(TlsContexts.API)
    SSLContext apiTls(IssuedIdentity identity, Revocations revocations) {
        return MutualTls.context(identity, EngineApiServer.ACCEPTED_ROLES, revocations);
    }

    /** The engine's TLS as a client of the managers: the server must be a node manager, not revoked. */
    @Provides
    @Singleton
    @Named(TlsContexts.NODES)
    SSLContext nodesTls(IssuedIdentity identity, Revocations revocations) {
        return MutualTls.context(identity, Set.of(Role.NODE_MANAGER), revocations);
    }

    /** Delivers the revocation list to every host's manager (started by the daemon). */
    @Provides
    @Singleton
    RevocationPublisher revocationPublisher(CertificateRegistry certificates, NodeClients nodes) {
        return new RevocationPublisher(certificates, nodes, REVOCATION_RETRY);
    }

    @Provides
    @Singleton
    CryptoSuite suite() {
        return CryptoSuites.of(config.suite());
    }

    @Provides
    @Singleton
    SqliteDatabase database() {
        return SqliteDatabase.open(config.stateDirectory().resolve(DATABASE_FILE), EngineSchema.VERSION, EngineSchema.DDL);
    }

    @Provides
    @Singleton
    ObjectMapper json() {
        return ApiJson.mapper();
    }

    @Provides
    @Singleton
    MigrationJournal journal(SqliteDatabase database, ObjectMapper json, Clock clock) {
        return new MigrationJournal(database, json.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES), clock);
    }

    @Provides
    @Singleton
    ReceiptSigner receipts(CryptoSuite suite, SqliteDatabase database) {
        return new ReceiptSigner(suite, database, config.stateDirectory().resolve("keys"));
    }

    /** The cloud CA's side of node enrollment (its registry under {@code <ca.dir>/nodes}). */
    @Provides
    @Singleton
    EnrollmentAuthority enrollmentAuthority(CloudCa ca) {
        return new EnrollmentAuthority(ca, config.caDirectory(), config.nodeCertificateLifetime());
    }

    @Provides
    @Singleton
    EnrollmentExchange enrollmentExchange(EnrollmentAuthority authority, EnrollmentTokens tokens, SqliteDatabase database,
            CertificateRegistry certificates, Clock clock) {
        return new EnrollmentExchange(authority, tokens, new EnrollmentRecords(database), new PendingChallenges(), config.hosts(),
                config.apiAddress(), certificates, clock);
    }

    @Provides
    @Singleton
    NodeClients nodes(@Named(TlsContexts.NODES) SSLContext engineTls) {
        return new NodeClients(config.hosts(), engineTls, org.vtpcm.nodeapi.ManagerClient.DEFAULT_TIMEOUT,
                config.trust().hostAttestationTimeout());
    }

    @Provides
    @Singleton
    HostAttester attester(NodeClients nodes, CloudCa ca, EnrollmentAuthority authority, SqliteDatabase database, ReferenceValueStore references,
            Clock clock) {
        return new HostAttester((host, nonce) -> nodes.attestationNode(host).quote(nonce), nodes.hosts(), ca, new EnrolledAks(authority, database),
                references, clock);
    }

    @Provides
    @Singleton
    Protocol.Services protocol(MigrationJournal journal, NodeClients nodes, HostAttester attester, ReceiptSigner receipts,
            EngineMetrics metrics, Clock clock) {
        return Protocol.build(config, journal, nodes, attester, receipts, metrics, clock);
    }

    @Provides
    @Singleton
    MigrationCoordinator coordinator(Protocol.Services protocol) {
        return protocol.coordinator();
    }

    @Provides
    @Singleton
    NovaHooks novaHooks(Protocol.Services protocol) {
        return protocol.nova();
    }

    /** Nova mode, when the configuration names a Nova (its client owns a worker thread; the daemon closes it). */
    @Provides
    @Singleton
    NovaMode novaMode(NovaHooks hooks, VtpcmLocator locator, NodeClients nodes, HostAttester attester, Clock clock) {
        Optional<NovaCloud> nova = config.nova().map(settings -> new NovaCloudClient(settings, NovaTls.context(settings.caFile())));
        return new NovaMode(nova, hooks, locator, nodes, attester, clock, NOVA_BEGIN_WAIT);
    }
}
