package org.vtpcm.engine.nova;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.engine.attestation.HostAttester;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.engine.hosts.NodeClients;
import org.vtpcm.engine.hosts.VtpcmLocator;
import org.vtpcm.engine.journal.MigrationRecord;
import org.vtpcm.engine.journal.RejectedHost;
import org.vtpcm.engine.protocol.NovaHooks;
import org.vtpcm.engine.protocol.UnknownVmException;
import org.vtpcm.nodeapi.AssociationView;
import org.vtpcm.nova.Hypervisor;
import org.vtpcm.nova.NovaCloud;
import org.vtpcm.nova.NovaException;
import org.vtpcm.nova.ServerMigration;

/**
 * "Nova mode" for operators: the engine asks Nova to live-migrate a vtpcm instance and follows
 * Nova's migration record, while Nova's compute driver runs the protocol through {@link NovaHooks}.
 * Without a destination it picks one: Nova's enabled and up hypervisors that the engine knows and
 * last found TRUSTED, least loaded by running VMs.
 */
public final class NovaMode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NovaMode.class);
    private static final Duration POLL = Duration.ofMillis(250);

    private final Optional<NovaCloud> nova;
    private final NovaHooks hooks;
    private final VtpcmLocator locator;
    private final NodeClients nodes;
    private final HostAttester attester;
    private final Clock clock;
    private final Duration beginWait;

    public NovaMode(Optional<NovaCloud> nova, NovaHooks hooks, VtpcmLocator locator, NodeClients nodes, HostAttester attester, Clock clock,
            Duration beginWait) {
        this.nova = requireNonNull(nova, "nova is null");
        this.hooks = requireNonNull(hooks, "hooks is null");
        this.locator = requireNonNull(locator, "locator is null");
        this.nodes = requireNonNull(nodes, "nodes is null");
        this.attester = requireNonNull(attester, "attester is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.beginWait = requireNonNull(beginWait, "beginWait is null");
    }

    /** What asking Nova gave: the destination asked for, and the engine's record once Nova's driver began it. */
    public record Requested(UUID instance, String source, String destination, Instant requestedAt, Optional<MigrationRecord> migration,
            List<RejectedHost> rejected) {
    }

    public boolean enabled() {
        return nova.isPresent();
    }

    /** Asks Nova to live-migrate the VM's instance; waits (bounded) until Nova's driver began the protocol or Nova gave up. */
    public Requested migrate(String vm, Optional<String> to) {
        NovaCloud cloud = nova.orElseThrow(() -> new NovaModeException(409, "NOVA_NOT_CONFIGURED",
                "this engine has no Nova endpoint (set nova.auth-url and credentials in its configuration)"));
        AssociationView vtpcm = locator.find(vm).orElseThrow(() -> new UnknownVmException("no node holds a live vTPCM for VM '" + vm
                + "'"));
        UUID instance = vtpcm.vmUuid();
        String source = vtpcm.host();
        List<RejectedHost> rejected = new ArrayList<>();
        String destination;
        try {
            cloud.server(instance.toString());
            destination = to.orElseGet(() -> choose(cloud.hypervisors(), source, rejected));
            Instant requestedAt = clock.instant();
            LOG.info("nova mode: asking Nova to live-migrate instance {} from {} to {}", instance, source, destination);
            cloud.liveMigrate(instance.toString(), Optional.of(destination));
            return new Requested(instance, source, destination, requestedAt, awaitBegin(cloud, instance, requestedAt), List.copyOf(rejected));
        } catch (NovaException e) {
            throw new NovaModeException(e instanceof org.vtpcm.nova.NovaNotFoundException ? 404 : 502, "NOVA_ERROR", "Nova: "
                    + e.getMessage());
        }
    }

    @Override
    public void close() {
        nova.filter(AutoCloseable.class::isInstance).ifPresent(client -> {
            try {
                ((AutoCloseable) client).close();
            } catch (Exception e) {
                LOG.warn("closing the Nova client: {}", e.getMessage());
            }
        });
    }

    /** Nova's records of the instance's migrations, newest first. */
    public List<ServerMigration> novaMigrations(UUID instance) {
        NovaCloud cloud = nova.orElseThrow(() -> new NovaModeException(409, "NOVA_NOT_CONFIGURED", "this engine has no Nova endpoint"));
        try {
            return cloud.migrationHistory(instance.toString()).stream().sorted(Comparator.comparingLong(ServerMigration::id).reversed())
                    .toList();
        } catch (NovaException e) {
            throw new NovaModeException(502, "NOVA_ERROR", "Nova: " + e.getMessage());
        }
    }

    private String choose(List<Hypervisor> hypervisors, String source, List<RejectedHost> rejected) {
        Set<String> known = nodes.hosts().stream().map(HostConfig::name).collect(Collectors.toSet());
        return NovaTargetChoice.choose(hypervisors, source, known, host -> attester.last(host).trusted() ? ""
                : "not attested: " + attester.last(host).state(), rejected);
    }

    private Optional<MigrationRecord> awaitBegin(NovaCloud cloud, UUID instance, Instant requestedAt) {
        Instant deadline = clock.instant().plus(beginWait);
        while (clock.instant().isBefore(deadline)) {
            Optional<MigrationRecord> record = hooks.latest(instance).filter(r -> !r.createdAt().isBefore(requestedAt.minusSeconds(1)));
            if (record.isPresent()) {
                return record;
            }
            Optional<ServerMigration> failed = cloud.migrationHistory(instance.toString()).stream()
                    .max(Comparator.comparingLong(ServerMigration::id))
                    .filter(m -> m.status().equals("error") || m.status().equals("failed"));
            if (failed.isPresent()) {
                throw new NovaModeException(409, "NOVA_REFUSED", "Nova's live migration " + failed.get().id() + " ended '"
                        + failed.get().status() + "' before the protocol began; see `openstack server event list " + instance + "`");
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Optional.empty();
    }
}
