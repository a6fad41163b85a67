package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.vtpcm.engine.api.MigrationView;
import org.vtpcm.engine.client.EngineClient;
import org.vtpcm.engine.client.EngineClientException;
import org.vtpcm.manager.libvirt.CompletedJob;
import org.vtpcm.nodeapi.DomainState;
import org.vtpcm.manager.libvirt.MigrationOptions;
import org.vtpcm.service.rest.ApiJson;

/**
 * Runs one migration of one variant of the overhead benchmark and measures it. Every guest goes
 * to the other node from wherever it is. A guest found dead (the rare TCG crash after a migration)
 * is booted again on node 1, at most {@value #MAX_REBOOTS} times per guest.
 */
final class OverheadMigrations {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Reads the engine's answers into its own API records. */
    private static final ObjectMapper ENGINE_JSON = ApiJson.mapper();
    private static final Duration MIGRATION_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration EVENT_WAIT = Duration.ofSeconds(10);
    private static final Duration STEP_WAIT = Duration.ofSeconds(60);
    private static final Duration ABORT_WAIT = Duration.ofSeconds(90);
    /** How long a guest without TPM must stay alive at the destination to count (it prints nothing we could wait for). */
    private static final Duration NO_TPM_ALIVE_CHECK = Duration.ofSeconds(2);
    private static final Duration RECEIPT_WAIT = Duration.ofSeconds(5);
    private static final int MAX_REBOOTS = 8;
    /** The guest boots with loglevel=3 (critical and worse only): any kernel line on its console is an oops, a BUG or a panic. */
    private static final Pattern KERNEL_MESSAGE = Pattern.compile("\\[\\s*\\d+\\.\\d+\\] ");

    private final LabConfig lab;
    private final LabHosts hosts;
    private final LabCloud cloud;
    private final LifecycleDowntimeProbe probe;
    private final boolean tls;
    private final int memoryMiB;
    private final BaselineGuest noTpm;
    private final BaselineGuest plainVtpm;
    /** The name the vTPCM guest is booted with; LabCloud makes each boot's domain name unique from it. */
    private final String vtpcmBaseName;
    private LabCloud.Guest vtpcm;
    private final Map<String, Integer> reboots = new LinkedHashMap<>();
    /** Guests that stopped making progress after a migration (still active but hung): booted again before their next use. */
    private final Set<String> hung = new HashSet<>();
    private final Map<String, List<String>> earlierBoots = new LinkedHashMap<>();

    OverheadMigrations(LabConfig lab, LabHosts hosts, LabCloud cloud, LifecycleDowntimeProbe probe, boolean tls, int memoryMiB,
            BaselineGuest noTpm, BaselineGuest plainVtpm, String vtpcmBaseName, LabCloud.Guest vtpcm) {
        this.lab = requireNonNull(lab, "lab is null");
        this.hosts = requireNonNull(hosts, "hosts is null");
        this.cloud = requireNonNull(cloud, "cloud is null");
        this.probe = requireNonNull(probe, "probe is null");
        this.tls = tls;
        this.memoryMiB = memoryMiB;
        this.noTpm = requireNonNull(noTpm, "noTpm is null");
        this.plainVtpm = requireNonNull(plainVtpm, "plainVtpm is null");
        this.vtpcm = requireNonNull(vtpcm, "vtpcm is null");
        this.vtpcmBaseName = requireNonNull(vtpcmBaseName, "vtpcmBaseName is null");
    }

    /** The libvirt options of the baselines: what the engine asks its source manager for (single stream, no cap). */
    private MigrationOptions libvirtOptions() {
        return new MigrationOptions(1, false, tls, false, 0);
    }

    MigrationSample run(int round, OverheadVariant variant) throws Exception {
        return switch (variant) {
            case NO_TPM -> baseline(round, variant, noTpm);
            case PLAIN_VTPM -> baseline(round, variant, plainVtpm);
            case VTPCM, VTPCM_RESUME_FIRST -> throughEngine(round, variant);
        };
    }

    /** How many times each guest was booted again after it was found dead. */
    Map<String, Integer> reboots() {
        return Map.copyOf(reboots);
    }

    /** The guests' own TPM continuity verdicts, one per boot (a guest found dead is booted again with a fresh console). */
    Map<String, String> continuity() {
        Map<String, String> verdicts = new LinkedHashMap<>();
        verdicts.put(OverheadVariant.PLAIN_VTPM.key(), verdicts(plainVtpm.name(), plainVtpm.console()));
        verdicts.put("vtpcm (both engine variants)", verdicts(vtpcmBaseName, vtpcm.console()));
        return verdicts;
    }

    private String verdicts(String name, GuestConsole console) {
        List<String> all = new ArrayList<>(earlierBoots.getOrDefault(name, List.of()));
        all.add(ContinuityChecker.check(console.steps()).summary());
        return all.size() == 1 ? all.get(0) : String.join(" | ", IntStream.range(0, all.size()).mapToObj(i -> "boot " + (i + 1) + ": "
                + all.get(i)).toList());
    }

    /** Keeps the verdict of the boot that ends, before its console is reset. */
    private void rememberBoot(String name, GuestConsole console) {
        earlierBoots.computeIfAbsent(name, n -> new ArrayList<>()).add(ContinuityChecker.check(console.steps()).summary());
    }

    private MigrationSample baseline(int round, OverheadVariant variant, BaselineGuest guest) throws InterruptedException {
        LabNode source = guest.location().orElse(null);
        if (source == null || hung.remove(guest.name())) {
            countReboot(guest.name());
            rememberBoot(guest.name(), guest.console());
            source = lab.node(1);
            guest.reboot(source);
        }
        LabNode destination = other(source);
        long lastStep = guest.console().lastSeq();
        long since = System.nanoTime();
        probe.forgetBefore(since);
        Duration wall;
        try {
            wall = guest.migrate(source, destination, libvirtOptions(), MIGRATION_TIMEOUT);
        } catch (RuntimeException e) {
            return MigrationSample.failed(round, variant, source.name(), destination.name(), "libvirt: " + e.getMessage());
        }
        long returned = System.nanoTime();
        Optional<DomainState> state = hosts.host(destination).state(guest.name());
        if (state.orElse(DomainState.OTHER) != DomainState.RUNNING) {
            return MigrationSample.failed(round, variant, source.name(), destination.name(), "not running at the destination after"
                    + " the migrate call returned (" + state.map(Enum::name).orElse("absent") + "); " + probe.describe(guest.name(), since));
        }
        long qemuDowntime = hosts.host(destination).completedJob(guest.name()).map(CompletedJob::downtimeMillis).orElse(-1L);
        OptionalLong pause = probe.awaitPause(guest.name(), source.name(), destination.name(), since, EVENT_WAIT);
        OptionalLong sourceStop = probe.awaitSourceStop(guest.name(), source.name(), since, EVENT_WAIT);
        MigrationTimeline timeline = MigrationTimeline.ofBaseline(since, returned, probe.since(guest.name(), since));
        long atEnd = guest.console().lastSeq();
        String dead = guest.withTpm() ? deadAfter(guest.name(), guest.console(), atEnd, destination) : deadAfterIdle(guest.name(),
                destination);
        if (dead != null) {
            return MigrationSample.failed(round, variant, source.name(), destination.name(), dead);
        }
        return new MigrationSample(round, variant, source.name(), destination.name(), null, wall.toMillis(), millis(pause), millis(sourceStop), qemuDowntime,
                -1, -1, Map.of(), probe.describe(guest.name(), since), guest.withTpm() ? steps(lastStep, atEnd) : "",
                guest.withTpm() ? tpmCheckFailures(guest.console(), lastStep, atEnd) : "", timeline);
    }

    private MigrationSample throughEngine(int round, OverheadVariant variant) throws Exception {
        LabNode source = vtpcmLocation().orElse(null);
        if (source == null || hung.remove(vtpcm.name())) {
            countReboot(vtpcmBaseName);
            rememberBoot(vtpcmBaseName, vtpcm.console());
            cloud.destroyGuest(vtpcm.uuid());
            source = lab.node(1);
            vtpcm = cloud.bootGuest(1, vtpcmBaseName, memoryMiB);
        }
        LabNode destination = other(source);
        String vtpcmName = vtpcm.name();
        EngineClient engine = cloud.engineClient();
        ObjectNode body = JSON.createObjectNode().put("vm", vtpcmName).put("to", destination.name()).put("tls", tls)
                .put("verifyBeforeResume", variant == OverheadVariant.VTPCM);
        long lastStep = vtpcm.console().lastSeq();
        long since = System.nanoTime();
        Instant sinceWallClock = Instant.now();
        probe.forgetBefore(since);
        JsonNode view;
        String id = null;
        try {
            id = EngineMigration.start(engine, body).path("id").asText();
            view = EngineMigration.await(engine, id, MIGRATION_TIMEOUT);
        } catch (RuntimeException e) {
            return MigrationSample.failed(round, variant, source.name(), destination.name(), "engine: " + e.getMessage()
                    + (id == null ? "" : abortAndWait(engine, id)));
        }
        if (!"COMMITTED".equals(view.path("outcome").asText())) {
            return MigrationSample.failed(round, variant, source.name(), destination.name(), "engine: " + view.path("outcome").asText()
                    + " at " + lastPhase(view) + ": " + view.path("reason").asText() + " (migration " + id + ")");
        }
        JsonNode receipt = awaitReceipt(engine, id);
        Map<String, Long> phases = new LinkedHashMap<>();
        for (JsonNode phase : view.path("phases")) {
            phases.put(phase.path("phase").asText(), phase.path("millis").asLong());
        }
        OptionalLong pause = probe.awaitPause(vtpcmName, source.name(), destination.name(), since, EVENT_WAIT);
        OptionalLong sourceStop = probe.awaitSourceStop(vtpcmName, source.name(), since, EVENT_WAIT);
        MigrationTimeline timeline = MigrationTimeline.ofEngine(migrationView(view), sinceWallClock, since, probe.since(vtpcmName, since));
        long atEnd = vtpcm.console().lastSeq();
        String dead = deadAfter(vtpcmName, vtpcm.console(), atEnd, destination);
        if (dead != null) {
            return MigrationSample.failed(round, variant, source.name(), destination.name(), dead + " (migration " + id + " COMMITTED)");
        }
        return new MigrationSample(round, variant, source.name(), destination.name(), null, view.path("totalMs").asLong(), millis(pause),
                millis(sourceStop),
                receipt.path("qemuDowntimeMs").asLong(-1), view.path("downtimeMs").asLong(-1), receipt.path("verificationPauseMs").asLong(-1),
                phases, probe.describe(vtpcmName, since), steps(lastStep, atEnd),
                tpmCheckFailures(vtpcm.console(), lastStep, atEnd), timeline);
    }

    /** The engine's GET /v1/migrations/{id} answer as its API record (the same build as the engine, so it always fits). */
    private static MigrationView migrationView(JsonNode view) {
        try {
            return ENGINE_JSON.treeToValue(view, MigrationView.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the engine's migration view does not read as a MigrationView: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The engine reports COMMITTED a moment before it has signed the receipt, so a 404 right after
     * the outcome is retried for a few seconds; without a receipt QEMU's figure is unknown (-1).
     */
    private static JsonNode awaitReceipt(EngineClient engine, String id) throws InterruptedException {
        long deadline = System.nanoTime() + RECEIPT_WAIT.toNanos();
        while (true) {
            try {
                return engine.receipt(id).path("receipt");
            } catch (EngineClientException e) {
                if (e.status() != 404 || System.nanoTime() - deadline > 0) {
                    return JSON.createObjectNode();
                }
            }
            Thread.sleep(50);
        }
    }

    /** After a timeout: asks the engine to abort and waits for the outcome, so the next migration does not collide with it. */
    private static String abortAndWait(EngineClient engine, String id) {
        try {
            engine.abort(id);
            JsonNode view = EngineMigration.await(engine, id, ABORT_WAIT);
            return "; after abort: " + view.path("outcome").asText() + " " + view.path("reason").asText();
        } catch (RuntimeException e) {
            return "; abort: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "; abort interrupted";
        }
    }

    private static String lastPhase(JsonNode view) {
        JsonNode phases = view.path("phases");
        return phases.size() == 0 ? view.path("phase").asText() : phases.get(phases.size() - 1).path("phase").asText();
    }

    private Optional<LabNode> vtpcmLocation() {
        for (LabNode node : lab.nodes()) {
            if (hosts.host(node).state(vtpcm.name()).map(DomainState::isActive).orElse(false)) {
                return Optional.of(node);
            }
        }
        return Optional.empty();
    }

    /** Null when the guest made two TPM check steps after the migration ended; else why not (and it is marked for a new boot). */
    private String deadAfter(String name, GuestConsole console, long atEnd, LabNode destination) {
        try {
            console.awaitStepAfter(atEnd + 1, STEP_WAIT);
            return null;
        } catch (LabNotReadyException e) {
            hung.add(name);
            boolean active = hosts.host(destination).state(name).map(DomainState::isActive).orElse(false);
            String oops = console.lines().stream().filter(line -> KERNEL_MESSAGE.matcher(line).lookingAt()).findFirst()
                    .map(String::strip).orElse("no kernel message on the console");
            return "the guest made no TPM check step within " + STEP_WAIT.toSeconds() + " s after the migration ("
                    + (active ? "still active" : "gone") + " at " + destination.name() + "; guest console: " + oops + ")";
        }
    }

    /**
     * The guest's own verdict on the steps it made while the migration ran (it runs during a live
     * migration) and the two after it ended: its failure lines, or empty when all were ok.
     */
    private static String tpmCheckFailures(GuestConsole console, long before, long atEnd) {
        return String.join("; ", console.steps().stream().filter(step -> step.seq() > before && step.seq() <= atEnd + 2
                && !step.ok()).map(step -> "seq=" + step.seq() + " " + step.reason()).toList());
    }

    private static String steps(long before, long atEnd) {
        return (before + 1) + ".." + (atEnd + 2);
    }

    /** Null when the guest without TPM is still running at the destination a moment later (a crash destroys it). */
    private String deadAfterIdle(String name, LabNode destination) throws InterruptedException {
        Thread.sleep(NO_TPM_ALIVE_CHECK.toMillis());
        Optional<DomainState> state = hosts.host(destination).state(name);
        return state.orElse(DomainState.OTHER) == DomainState.RUNNING ? null
                : "the guest stopped at " + destination.name() + " right after the migration (" + state.map(Enum::name).orElse("gone") + ")";
    }

    private void countReboot(String name) {
        int count = reboots.merge(name, 1, Integer::sum);
        if (count > MAX_REBOOTS) {
            throw new BenchGiveUp("guest " + name + " was found dead " + count + " times");
        }
    }

    private LabNode other(LabNode node) {
        return node.number() == 1 ? lab.node(2) : lab.node(1);
    }

    private static double millis(OptionalLong nanos) {
        return nanos.isPresent() ? nanos.getAsLong() / 1_000_000.0 : Double.NaN;
    }
}
