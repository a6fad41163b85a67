package org.vtpcm.engine;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Inject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.engine.api.EngineApiServer;
import org.vtpcm.engine.api.EnrollmentApiServer;
import org.vtpcm.engine.api.EnrollmentExchangeResource;
import org.vtpcm.engine.api.EnrollmentTokenResource;
import org.vtpcm.engine.api.HostResource;
import org.vtpcm.engine.api.MigrationResource;
import org.vtpcm.engine.api.NovaHookResource;
import org.vtpcm.engine.api.NovaModeResource;
import org.vtpcm.engine.api.ReferenceValueResource;
import org.vtpcm.engine.api.VtpcmResource;
import org.vtpcm.engine.api.CertificateResource;
import org.vtpcm.engine.attestation.HostAttester;
import org.vtpcm.engine.attestation.ReferenceValueStore;
import org.vtpcm.engine.certificates.CertificateRegistry;
import org.vtpcm.engine.certificates.RevocationPublisher;
import org.vtpcm.engine.config.EngineConfig;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.engine.enrollment.EnrollmentExchange;
import org.vtpcm.engine.enrollment.EnrollmentTokens;
import org.vtpcm.engine.hosts.NodeClients;
import org.vtpcm.engine.hosts.VtpcmLocator;
import org.vtpcm.engine.metrics.EngineMetrics;
import org.vtpcm.engine.protocol.MigrationCoordinator;
import org.vtpcm.engine.nova.NovaMode;
import org.vtpcm.engine.protocol.NovaHooks;
import org.vtpcm.engine.receipt.ReceiptSigner;
import org.vtpcm.protocol.store.SqliteDatabase;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.tls.PinnedCaTls;

/** Starts the engine in order (journal recovery before the API accepts work) and stops it. */
public final class EngineDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EngineDaemon.class);
    private static final long ATTEST_EVERY_SECONDS = 60;

    private final EngineConfig config;
    private final SSLContext tls;
    private final ObjectMapper json;
    private final SqliteDatabase database;
    private final NodeClients nodes;
    private final HostAttester attester;
    private final ReferenceValueStore references;
    private final ReceiptSigner receipts;
    private final VtpcmLocator locator;
    private final MigrationCoordinator coordinator;
    private final NovaHooks nova;
    private final NovaMode novaMode;
    private final EngineMetrics metrics;
    private final java.util.concurrent.ScheduledExecutorService attestations = java.util.concurrent.Executors
            .newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "host-attestation");
                thread.setDaemon(true);
                return thread;
            });
    private final CloudCa ca;
    private final EnrollmentTokens enrollmentTokens;
    private final EnrollmentExchange enrollment;
    private final CertificateRegistry certificates;
    private final RevocationPublisher revocations;
    private EngineApiServer api;
    private EnrollmentApiServer enrollmentApi;

    @Inject
    public EngineDaemon(EngineConfig config, @com.google.inject.name.Named(EngineModule.API_TLS) SSLContext tls, ObjectMapper json, SqliteDatabase database, NodeClients nodes,
            HostAttester attester, ReferenceValueStore references, ReceiptSigner receipts, VtpcmLocator locator,
            MigrationCoordinator coordinator, NovaHooks nova, NovaMode novaMode, EngineMetrics metrics, CloudCa ca,
            EnrollmentTokens enrollmentTokens, EnrollmentExchange enrollment, CertificateRegistry certificates,
            RevocationPublisher revocations) {
        this.certificates = requireNonNull(certificates, "certificates is null");
        this.revocations = requireNonNull(revocations, "revocations is null");
        this.ca = requireNonNull(ca, "ca is null");
        this.enrollmentTokens = requireNonNull(enrollmentTokens, "enrollmentTokens is null");
        this.enrollment = requireNonNull(enrollment, "enrollment is null");
        this.novaMode = requireNonNull(novaMode, "novaMode is null");
        this.nova = requireNonNull(nova, "nova is null");
        this.config = requireNonNull(config, "config is null");
        this.tls = tls;
        this.json = json;
        this.database = database;
        this.nodes = nodes;
        this.attester = attester;
        this.references = references;
        this.receipts = receipts;
        this.locator = locator;
        this.coordinator = coordinator;
        this.metrics = metrics;
    }

    public void start() {
        Set<String> nodeNames = new HashSet<>();
        config.hosts().stream().map(HostConfig::name).forEach(nodeNames::add);
        // a node taken out of hosts keeps no identity: its certificates are revoked before anything listens
        certificates.revokeNodesOtherThan(nodeNames, "engine start-up");
        revocations.start();
        coordinator.recover();
        api = new EngineApiServer(config.apiAddress(), config.apiPort(), config.apiMaxBodyBytes(), tls, certificates, json, nodeNames, List.of(
                new MigrationResource(coordinator, receipts, json), new HostResource(nodes, attester, coordinator),
                new ReferenceValueResource(references, json), new VtpcmResource(locator), new NovaHookResource(nova, receipts, json),
                new NovaModeResource(novaMode, json), new EnrollmentTokenResource(enrollmentTokens, nodeNames, config.enrollmentEndpoint(),
                        PinnedCaTls.fingerprint(ca.certificate()), json), new CertificateResource(certificates, revocations, nodes, json)),
                metrics::scrape);
        if (config.enrollmentEndpoint().isPresent()) {
            // nodes without a certificate yet enroll here: a listener of its own, serving nothing else
            enrollmentApi = new EnrollmentApiServer(config.apiAddress(), config.enrollmentPort(), tls, json,
                    new EnrollmentExchangeResource(enrollment, json));
        }
        // hosts' attestation state stays current for target selection and `vtpcm hosts`; each migration attests afresh anyway
        attestations.scheduleWithFixedDelay(this::attestAll, 0, ATTEST_EVERY_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        LOG.info("vtpcm-engine ready: {} hosts, suite {}, journal {}", config.hosts().size(), config.suite(), database.file());
    }

    private void attestAll() {
        // all hosts at once, each within attestation.host-timeout-seconds: one stalling node delays no other
        nodes.fanOut().each(nodes.hosts(), host -> attester.attest(host.name()), (host, problem) -> {
            LOG.warn("attesting {} failed: {}", host.name(), problem);
            return null;
        });
    }

    public int port() {
        return api.port();
    }

    /** The enrollment endpoint's port, when enrollment is enabled. */
    public java.util.OptionalInt enrollmentPort() {
        return enrollmentApi == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(enrollmentApi.port());
    }

    @Override
    public void close() {
        attestations.shutdownNow();
        revocations.close();
        if (enrollmentApi != null) {
            enrollmentApi.close();
        }
        if (api != null) {
            api.close();
        }
        coordinator.close();
        novaMode.close();
        nodes.close();
        database.close();
        LOG.info("vtpcm-engine stopped");
    }
}
