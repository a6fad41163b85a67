package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.vtpcm.engine.client.EngineClient;
import org.vtpcm.engine.client.EngineClientException;
import org.vtpcm.manager.libvirt.CompletedJob;
import org.vtpcm.nodeapi.DomainState;
import org.vtpcm.nova.NovaCloud;
import org.vtpcm.nova.NovaException;
import org.vtpcm.nova.NovaServer;
import org.vtpcm.nova.ServerMigration;

/**
 * Runs one live migration of the Nova overhead benchmark and measures it: the tenant's
 * {@code openstack server migrate --live-migration --host <other compute>}, then Nova's migration
 * record polled every {@value #POLL_MILLIS} ms until it ends, bounded by the per-migration timeout
 * (after which the bench asks Nova to abort it). Every server goes to the other compute from wherever it is.
 */
final class NovaLiveMigrations {
    static final long POLL_MILLIS = 50;
    /** The client's own bound: it only asks (no --wait); start-up, Keystone and the request take a few seconds. */
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration EVENT_WAIT = Duration.ofSeconds(10);
    private static final Duration STEP_WAIT = Duration.ofSeconds(60);
    private static final Duration SETTLE_WAIT = Duration.ofSeconds(60);
    private static final Duration ABORT_WAIT = Duration.ofSeconds(120);

    private final LabConfig lab;
    private final OpenStackLab openstack;
    private final NovaCloud nova;
    private final EngineClient engine;
    private final LabHosts hosts;
    private final LifecycleDowntimeProbe probe;
    private final NovaBenchServers servers;
    private final Duration timeout;

    NovaLiveMigrations(LabConfig lab, OpenStackLab openstack, NovaCloud nova, EngineClient engine, LabHosts hosts,
            LifecycleDowntimeProbe probe, NovaBenchServers servers, Duration timeout) {
        this.lab = requireNonNull(lab, "lab is null");
        this.openstack = requireNonNull(openstack, "openstack is null");
        this.nova = requireNonNull(nova, "nova is null");
        this.engine = requireNonNull(engine, "engine is null");
        this.hosts = requireNonNull(hosts, "hosts is null");
        this.probe = requireNonNull(probe, "probe is null");
        this.servers = requireNonNull(servers, "servers is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
    }

    /** What the polling saw last: the call's record (if any), its state, and when that answer arrived. */
    private record Watched(Optional<ServerMigration> record, NovaMigrationRecords.State state, long atNanos, String lastError) {
    }

    /**
     * Migrates the flavor's server to the other compute and measures it.
     *
     * @throws BenchGiveUp when a migration cannot be ended, or a server keeps dying
     */
    NovaMigrationSample run(int round, NovaBenchFlavor flavor) throws InterruptedException {
        NovaBenchServers.Server server = servers.ready(flavor);
        NovaServer shown = nova.server(server.id());
        LabNode source = node(shown.host().orElse("?"));
        LabNode destination = other(source);
        Set<Long> before = NovaMigrationRecords.ids(nova.migrationHistory(server.id()));
        Optional<String> engineBefore = flavor == NovaBenchFlavor.VTPCM ? engineMigrationId(server.id()) : Optional.empty();
        long lastStep = server.console().lastSeq();
        long start = System.nanoTime();
        probe.forgetBefore(start);
        OpenStackLab.Outcome cli;
        try {
            cli = openstack.liveMigrate(CLI_TIMEOUT.compareTo(timeout) < 0 ? CLI_TIMEOUT : timeout, server.id(), destination.name());
        } catch (LabNotReadyException e) {
            // whatever the killed client asked for may still run: the next ready() waits for the server to be idle
            return failed(round, flavor, source, destination, "openstack server migrate: " + e.getMessage(), Optional.empty());
        }
        long exited = System.nanoTime();
        if (!cli.ok()) {
            return failed(round, flavor, source, destination, "openstack server migrate exited " + cli.exitCode() + ": "
                    + cli.err().strip(), Optional.empty());
        }
        Watched watched = watch(server.id(), before, start + timeout.toNanos());
        switch (watched.state()) {
            case NOT_RECORDED, IN_PROGRESS -> {
                return failed(round, flavor, source, destination, "Nova's migration did not complete within " + timeout.toSeconds()
                        + " s (" + watched.record().map(r -> "status " + r.status()).orElse("no record")
                        + (watched.lastError().isEmpty() ? "" : "; last poll error: " + watched.lastError()) + ")"
                        + abortAndWait(server, watched.record()), watched.record());
            }
            case ENDED_OTHERWISE -> {
                return failed(round, flavor, source, destination, "Nova's migration ended '" + watched.record().orElseThrow().status()
                        + "'" + why(server), watched.record());
            }
            case COMPLETED -> {
                // measured below
            }
        }
        long totalMillis = (watched.atNanos() - start) / 1_000_000;
        long cliMillis = (exited - start) / 1_000_000;
        OptionalLong pause = probe.awaitPause(server.instanceName(), source.name(), destination.name(), start, EVENT_WAIT);
        long qemuDowntime = qemuDowntime(destination, server.instanceName());
        long engineTotal = -1;
        long engineDowntime = -1;
        if (flavor == NovaBenchFlavor.VTPCM) {
            JsonNode migration;
            try {
                migration = engine.novaMigration(server.id()).path("migration");
            } catch (EngineClientException e) {
                return failed(round, flavor, source, destination, "Nova completed it, but the engine has no record of it: " + e.getMessage(),
                        watched.record());
            }
            String id = migration.path("id").asText();
            if (!"COMMITTED".equals(migration.path("phase").asText()) || !destination.name().equals(migration.path("destination").asText())
                    || engineBefore.map(id::equals).orElse(false)) {
                return failed(round, flavor, source, destination, "Nova completed it, but the engine's newest record of the server is not"
                        + " a protocol run committed at " + destination.name() + ": " + migration, watched.record());
            }
            engineTotal = migration.path("totalMs").asLong(-1);
            engineDowntime = migration.path("downtimeMs").asLong(-1);
        }
        String unsettled = awaitSettled(server.id(), destination);
        if (unsettled != null) {
            servers.markSuspect(flavor);
            return failed(round, flavor, source, destination, unsettled, watched.record());
        }
        long atEnd = server.console().lastSeq();
        String dead = flavor == NovaBenchFlavor.VTPCM ? stepsAfter(server, atEnd, destination) : runningAt(server, destination);
        if (dead != null) {
            servers.markSuspect(flavor);
            return failed(round, flavor, source, destination, dead, watched.record());
        }
        return new NovaMigrationSample(round, flavor, source.name(), destination.name(), null, totalMillis, cliMillis, millis(pause),
                qemuDowntime, engineTotal, engineDowntime, NovaMigrationRecords.describe(watched.record()),
                probe.describe(server.instanceName(), start), tpmCheckFailures(server.console(), lastStep, atEnd));
    }

    /** Polls the server's migration records one request at a time, {@value #POLL_MILLIS} ms after each answer, until the call's record ends or the deadline. */
    private Watched watch(String serverId, Set<Long> before, long deadlineNanos) throws InterruptedException {
        Optional<ServerMigration> record = Optional.empty();
        String lastError = "";
        while (true) {
            try {
                record = NovaMigrationRecords.started(nova.migrationHistory(serverId), before);
            } catch (NovaException e) {
                lastError = e.getMessage();
            }
            long now = System.nanoTime();
            NovaMigrationRecords.State state = NovaMigrationRecords.state(record);
            if (state == NovaMigrationRecords.State.COMPLETED || state == NovaMigrationRecords.State.ENDED_OTHERWISE
                    || now - deadlineNanos > 0) {
                return new Watched(record, state, now, lastError);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** After the timeout: asks Nova to abort the migration and waits for its end, so the next one does not collide with it. */
    private String abortAndWait(NovaBenchServers.Server server, Optional<ServerMigration> record) throws InterruptedException {
        servers.markSuspect(server.flavor());
        if (record.isEmpty()) {
            return "";
        }
        String asked;
        try {
            nova.abortMigration(server.id(), record.get().id());
            asked = "; asked Nova to abort it";
        } catch (NovaException e) {
            asked = "; Nova refused to abort it: " + e.getMessage();
        }
        Watched after = watch(server.id(), Set.of(), System.nanoTime() + ABORT_WAIT.toNanos());
        Optional<ServerMigration> same = after.record().filter(r -> r.id() == record.get().id());
        if (same.isEmpty() || !same.get().finished()) {
            throw new BenchGiveUp("Nova's migration " + NovaMigrationRecords.describe(record) + " of the " + server.flavor().key()
                    + " server did not end within " + (timeout.toSeconds() + ABORT_WAIT.toSeconds()) + " s" + asked);
        }
        return asked + "; it ended '" + same.get().status() + "'";
    }

    /** The server's fault, and for the vtpcm flavor the engine's outcome and reason, for a failure's message. */
    private String why(NovaBenchServers.Server server) {
        StringBuilder why = new StringBuilder();
        try {
            nova.server(server.id()).fault().ifPresent(fault -> why.append("; server fault: ").append(fault));
        } catch (NovaException e) {
            why.append("; server: ").append(e.getMessage());
        }
        if (server.flavor() == NovaBenchFlavor.VTPCM) {
            try {
                JsonNode migration = engine.novaMigration(server.id()).path("migration");
                why.append("; engine: ").append(migration.path("outcome").asText(migration.path("phase").asText())).append(' ')
                        .append(migration.path("reason").asText(""));
            } catch (EngineClientException e) {
                why.append("; engine: ").append(e.getMessage());
            }
        }
        return why.toString();
    }

    /** Null once Nova shows the server ACTIVE on the destination with no task state; else why not (after {@link #SETTLE_WAIT}). */
    private String awaitSettled(String serverId, LabNode destination) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE_WAIT.toNanos();
        String last = "";
        while (System.nanoTime() - deadline < 0) {
            try {
                NovaServer shown = nova.server(serverId);
                if ("ACTIVE".equals(shown.status()) && shown.taskState().isEmpty() && shown.host().map(destination.name()::equals)
                        .orElse(false)) {
                    return null;
                }
                last = shown.status() + shown.taskState().map(task -> " (" + task + ")").orElse("") + " on " + shown.host().orElse("?");
            } catch (NovaException e) {
                last = e.getMessage();
            }
            Thread.sleep(200);
        }
        return "Nova's record completed, but the server is not ACTIVE and idle on " + destination.name() + " within "
                + SETTLE_WAIT.toSeconds() + " s: " + last;
    }

    /** Null when the vtpcm guest made a TPM check step after the migration ended; else why not. */
    private String stepsAfter(NovaBenchServers.Server server, long atEnd, LabNode destination) {
        try {
            server.console().awaitStepAfter(atEnd, STEP_WAIT);
            return null;
        } catch (LabNotReadyException e) {
            return "the guest made no TPM check step within " + STEP_WAIT.toSeconds() + " s after the migration ("
                    + state(server, destination) + " at " + destination.name() + "; guest kernel: " + server.console().kernelLines() + ")";
        }
    }

    /** Null when the plain guest's domain runs at the destination; else its state. */
    private String runningAt(NovaBenchServers.Server server, LabNode destination) {
        String state = state(server, destination);
        return DomainState.RUNNING.name().equals(state) ? null : "the guest's domain is " + state + " at " + destination.name()
                + " after the migration";
    }

    private String state(NovaBenchServers.Server server, LabNode destination) {
        try {
            return hosts.host(destination).state(server.instanceName()).map(Enum::name).orElse("absent");
        } catch (RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private long qemuDowntime(LabNode destination, String domain) {
        try {
            return hosts.host(destination).completedJob(domain).map(CompletedJob::downtimeMillis).orElse(-1L);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** The id of the engine's newest Nova-mode record of the server; empty when it has none. */
    private Optional<String> engineMigrationId(String serverId) {
        try {
            return Optional.of(engine.novaMigration(serverId).path("migration").path("id").asText());
        } catch (EngineClientException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The vtpcm guest's own failure lines among the steps from the request to one step after the end; empty when all were ok. */
    private static String tpmCheckFailures(NovaGuestConsole console, long before, long atEnd) {
        return String.join("; ", console.steps().stream().filter(step -> step.seq() > before && step.seq() <= atEnd + 1 && !step.ok())
                .map(step -> "seq=" + step.seq() + " " + step.reason()).toList());
    }

    private NovaMigrationSample failed(int round, NovaBenchFlavor flavor, LabNode source, LabNode destination, String failure,
            Optional<ServerMigration> record) {
        return NovaMigrationSample.failed(round, flavor, source.name(), destination.name(), failure, NovaMigrationRecords.describe(record));
    }

    private LabNode node(String name) {
        return lab.nodes().stream().filter(node -> node.name().equals(name)).findFirst()
                .orElseThrow(() -> new LabNotReadyException("Nova shows the server on '" + name + "', which is no lab node"));
    }

    private LabNode other(LabNode node) {
        return node.number() == 1 ? lab.node(2) : lab.node(1);
    }

    private static double millis(OptionalLong nanos) {
        return nanos.isPresent() ? nanos.getAsLong() / 1_000_000.0 : Double.NaN;
    }
}
