package org.vtpcm.engine.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.vtpcm.engine.attestation.AttestationResult;
import org.vtpcm.engine.attestation.AttestationState;
import org.vtpcm.engine.attestation.DestinationAttestation;
import org.vtpcm.engine.config.EngineConfig;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.engine.journal.EngineSchema;
import org.vtpcm.engine.journal.MigrationJournal;
import org.vtpcm.engine.journal.MigrationRecord;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.engine.journal.RejectedHost;
import org.vtpcm.engine.metrics.EngineMetrics;
import org.vtpcm.engine.receipt.ReceiptSigner;
import org.vtpcm.engine.target.NoTargetException;
import org.vtpcm.engine.target.TargetSelector;
import org.vtpcm.nodeapi.AssociationView;
import org.vtpcm.nodeapi.MigrateVmRequest;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.crypto.SuiteName;
import org.vtpcm.protocol.store.SqliteDatabase;

/**
 * The protocol assembled over {@link FakeNodes}, a real journal in a temporary SQLite file, a real
 * receipt signer, a scripted attestation and {@link TestTime}: every phase runs as in production,
 * in milliseconds. Hosts n1 (the source), n2 and n3.
 */
final class Harness implements AutoCloseable {
    static final UUID VM = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    /** Polls every 100 ms, gives the VM migration 300 s, tolerates a destination manager lost for 10 s. */
    static final MigrateVm.Limits LIMITS = new MigrateVm.Limits(Duration.ofMillis(100), Duration.ofSeconds(300), Duration.ofSeconds(10));

    final FakeNodes nodes = new FakeNodes("n1", "n2", "n3");
    final TestTime time = new TestTime();
    final SqliteDatabase database;
    final MigrationJournal journal;
    final ReceiptSigner receipts;
    final EngineMetrics metrics = new EngineMetrics();
    /** Each host's attestation verdict (trusted unless set). */
    final Map<String, AttestationState> verdicts = new HashMap<>();
    final List<String> attested = new ArrayList<>();
    /** What an attestation throws instead of answering (a verifier that cannot be reached); a supplier answering null lets it answer. */
    Supplier<RuntimeException> attestationFault = () -> null;
    final Protocol.Assembly protocol;
    private final EngineConfig.TrustSettings trust;
    final SelectTarget selectTarget;
    final AttestDestination attestDestination;

    Harness(Path folder) {
        this(folder, new EngineConfig.TrustSettings(false, Duration.ofSeconds(900), Duration.ofSeconds(60), Duration.ofSeconds(10)));
    }

    Harness(Path folder, EngineConfig.TrustSettings trust) {
        database = SqliteDatabase.open(folder.resolve("engine.db"), EngineSchema.VERSION, EngineSchema.DDL);
        journal = new MigrationJournal(database, new ObjectMapper().registerModule(new JavaTimeModule()), time.clock);
        receipts = new ReceiptSigner(CryptoSuites.of(SuiteName.SM), database, folder.resolve("receipt-key"));
        this.trust = trust;
        selectTarget = new SelectTarget(this::select, journal);
        attestDestination = new AttestDestination(new Verdicts());
        protocol = assemble();
        nodes.node("n1").runVm(VM, "vm-a", 3);
    }

    /**
     * The engine restarted: a new protocol (coordinator, Nova's hooks, runner, host slots) over the same journal, receipts,
     * nodes and time; nothing of the old one's memory. Its coordinator is the caller's to close.
     */
    Protocol.Assembly restarted() {
        return assemble();
    }

    private Protocol.Assembly assemble() {
        Map<String, Integer> limits = nodes.hosts().stream().collect(Collectors.toMap(HostConfig::name, host -> 2));
        return Protocol.assemble(new Protocol.Settings(LIMITS, 2, trust, Runnable::run), journal, nodes, selectTarget, attestDestination, this::locate,
                new HostSlots(limits), receipts, metrics, time.clock, time);
    }

    /** The destination: the requested host, else the first host other than the source. */
    private TargetSelector.Selection select(String source, Optional<String> requested, String strategy) {
        if (requested.filter(source::equals).isPresent()) {
            throw new NoTargetException("the VM already runs on " + source, List.of(new RejectedHost(source, "is the source")));
        }
        HostConfig chosen = requested.flatMap(nodes::host).or(() -> nodes.hosts().stream()
                .filter(host -> !host.name().equals(source)).findFirst()).orElseThrow();
        return new TargetSelector.Selection(chosen, List.of());
    }

    private Optional<AssociationView> locate(String vm) {
        return nodes.hosts().stream().flatMap(host -> nodes.node(host.name()).vtpcms.values().stream().map(row -> row.onHost(host.name())))
                .filter(row -> !"DESTROYED".equals(row.state()))
                .filter(row -> vm.equalsIgnoreCase(row.vmUuid().toString()) || vm.equals(row.vmName()))
                .reduce((a, b) -> a.running() ? a : b);
    }

    private final class Verdicts implements DestinationAttestation {
        @Override
        public AttestationResult attest(String host, byte[] nonce) {
            attested.add(host);
            RuntimeException fault = attestationFault.get();
            if (fault != null) {
                throw fault;
            }
            AttestationState state = verdicts.getOrDefault(host, AttestationState.TRUSTED);
            return new AttestationResult(host, state, time.clock.instant(), state == AttestationState.TRUSTED ? List.of()
                    : List.of("PCR 11 does not match"));
        }

        @Override
        public AttestationResult attest(String host) {
            return attest(host, new byte[32]);
        }
    }

    FakeNode n(String name) {
        return nodes.node(name);
    }

    /** Opens a migration of the VM (REQUESTED), as the coordinator does before it runs one. */
    ActiveRun open(Optional<String> to, boolean verifyBeforeResume) {
        return protocol.opener().open(new MigrationRequest(VM.toString(), to, "explicit", 1, false, true, verifyBeforeResume, 0));
    }

    ActiveRun open() {
        return open(Optional.of("n2"), true);
    }

    /** Runs a new migration to its end on this thread, as a coordinator's worker does. */
    MigrationRecord migrate(ActiveRun run) {
        protocol.runner().runNew(run, new HostSlots(Map.of("n1", 2, "n2", 2, "n3", 2)));
        return record(run);
    }

    MigrationRecord record(ActiveRun run) {
        return journal.find(run.id()).orElseThrow();
    }

    /** The phases the journal shows begun, in order. */
    List<Phase> phases(ActiveRun run) {
        return record(run).phases().stream().map(timing -> timing.phase()).toList();
    }

    /** The engine restarted: a fresh run of the record, as recovery builds it. */
    ActiveRun restarted(ActiveRun run) {
        MigrationRecord record = record(run);
        return new ActiveRun(MigrationContext.fromRecord(record, Optional.ofNullable(record.destination()).flatMap(nodes::host)));
    }

    /** The phases in protocol order, each built as {@link Protocol#assemble} builds it, over these nodes, journal and time. */
    List<PhaseStep> steps() {
        return List.of(selectTarget, attestDestination, new PrepareDestination(nodes), new SendTpcmState(nodes), migrateVm(), verify(),
                commit());
    }

    PhaseStep step(Phase phase) {
        return steps().stream().filter(step -> step.phase() == phase).findFirst().orElseThrow();
    }

    MigrateVm migrateVm() {
        return new MigrateVm(nodes, journal, new Switchovers(journal), time.clock, time, LIMITS);
    }

    VerifyState verify() {
        return new VerifyState(nodes, journal, time.clock, time, Runnable::run);
    }

    CommitMigration commit() {
        return new CommitMigration(nodes);
    }

    /** Runs the phases after REQUESTED up to {@code last}, each write-ahead as the runner does, with no rollback on a failure. */
    void runThrough(ActiveRun run, Phase last) {
        for (PhaseStep step : steps()) {
            if (step.phase().compareTo(last) > 0) {
                return;
            }
            protocol.runner().runPhase(run, step);
        }
    }

    /** The engine dies during the phase: journaled as begun, its side effect done, never journaled as done. */
    void crashDuring(ActiveRun run, Phase phase) {
        PhaseStep step = step(phase);
        journal.begin(run.id(), phase, step.intent(run.context()));
        step.run(run);
    }

    /** The engine dies in VM_MIGRATING right after the source started the libvirt job, before it saw a verdict. */
    void crashAfterVmMigrationStarted(ActiveRun run) {
        MigrationContext context = run.context();
        journal.begin(run.id(), Phase.VM_MIGRATING, migrateVm().intent(context));
        n(context.sourceHost()).migrateVm(context.id(), new MigrateVmRequest(context.vmUuid(), context.destination().libvirt(),
                context.destinationName(), 1, false, true, context.options().verifyBeforeResume(), 0L));
    }

    /** The engine restarted and recovers the migration as its coordinator does; answers the journal's record. */
    MigrationRecord recover(ActiveRun run) {
        protocol.runner().recover(record(run), restarted(run));
        return record(run);
    }

    @Override
    public void close() {
        database.close();
    }
}
