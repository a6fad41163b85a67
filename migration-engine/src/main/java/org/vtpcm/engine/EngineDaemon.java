package org.vtpcm.engine;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.engine.api.EngineApi;
import org.vtpcm.engine.api.EngineApiServer;
import org.vtpcm.engine.api.EnrollmentApiServer;
import org.vtpcm.engine.attestation.HostAttester;
import org.vtpcm.engine.certificates.CertificateRegistry;
import org.vtpcm.engine.certificates.RevocationPublisher;
import org.vtpcm.engine.config.EngineConfig;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.engine.hosts.NodeClients;
import org.vtpcm.engine.nova.NovaMode;
import org.vtpcm.engine.protocol.MigrationCoordinator;
import org.vtpcm.protocol.store.SqliteDatabase;
import org.vtpcm.service.lifecycle.Lifecycle;

/** Starts the engine in order (journal recovery before the API accepts work) and stops it in reverse. */
public final class EngineDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EngineDaemon.class);
    private static final long ATTEST_EVERY_SECONDS = 60;

    private final EngineConfig config;
    private final SqliteDatabase database;
    private final NodeClients nodes;
    private final HostAttester attester;
    private final MigrationCoordinator coordinator;
    private final CertificateRegistry certificates;
    private final RevocationPublisher revocations;
    private final EngineApi api;
    private final Lifecycle lifecycle = new Lifecycle();
    private EngineApiServer apiServer;
    private EnrollmentApiServer enrollmentServer;

    @Inject
    public EngineDaemon(EngineConfig config, SqliteDatabase database, NodeClients nodes, HostAttester attester, MigrationCoordinator coordinator,
            NovaMode novaMode, CertificateRegistry certificates, RevocationPublisher revocations, EngineApi api) {
        this.config = requireNonNull(config, "config is null");
        this.database = requireNonNull(database, "database is null");
        this.nodes = requireNonNull(nodes, "nodes is null");
        this.attester = requireNonNull(attester, "attester is null");
        this.coordinator = requireNonNull(coordinator, "coordinator is null");
        this.certificates = requireNonNull(certificates, "certificates is null");
        this.revocations = requireNonNull(revocations, "revocations is null");
        this.api = requireNonNull(api, "api is null");
        // opened by the injector; closed here, last
        lifecycle.opened("database", database::close);
        lifecycle.opened("node clients", nodes::close);
        lifecycle.opened("Nova mode", requireNonNull(novaMode, "novaMode is null")::close);
        lifecycle.opened("migration coordinator", coordinator::close);
    }

    public void start() {
        Set<String> nodeNames = config.hosts().stream().map(HostConfig::name).collect(Collectors.toSet());
        // a node taken out of hosts keeps no identity: its certificates are revoked before anything listens
        lifecycle.run("revoke removed nodes", () -> certificates.revokeNodesOtherThan(nodeNames, "engine start-up"));
        lifecycle.start("revocation publisher", revocations::start, revocations::close);
        lifecycle.run("journal recovery", coordinator::recover);
        lifecycle.start("API", () -> apiServer = api.startApi(), () -> apiServer.close());
        lifecycle.start("enrollment endpoint", () -> enrollmentServer = api.startEnrollment().orElse(null), () -> {
            if (enrollmentServer != null) {
                enrollmentServer.close();
            }
        });
        // hosts' attestation state stays current for target selection and `vtpcm hosts`; each migration attests afresh anyway
        ScheduledExecutorService attestations = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "host-attestation");
            thread.setDaemon(true);
            return thread;
        });
        lifecycle.start("host attestation", () -> attestations.scheduleWithFixedDelay(this::attestAll, 0, ATTEST_EVERY_SECONDS,
                TimeUnit.SECONDS), attestations::shutdownNow);
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
        return apiServer.port();
    }

    /** The enrollment endpoint's port, when enrollment is enabled. */
    public OptionalInt enrollmentPort() {
        return enrollmentServer == null ? OptionalInt.empty() : OptionalInt.of(enrollmentServer.port());
    }

    @Override
    public void close() {
        lifecycle.close();
        LOG.info("vtpcm-engine stopped");
    }
}
