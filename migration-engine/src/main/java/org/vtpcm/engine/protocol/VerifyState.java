package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.vtpcm.engine.hosts.NodeDirectory;
import org.vtpcm.engine.journal.MigrationJournal;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.nodeapi.ArrivalView;
import org.vtpcm.nodeapi.ManagerClientException;
import org.vtpcm.nodeapi.NodeApi;
import org.vtpcm.nodeapi.AssociationView;
import org.vtpcm.nodeapi.BundleStatus;
import org.vtpcm.nodeapi.StateEvidence;
import org.vtpcm.protocol.state.StateDigest;

/**
 * VERIFIED: the digest of the TPM state blobs QEMU fetched at the source equals the digest of those
 * it loaded at the destination (each seen by that node's control-channel interposer); then, under
 * verify-before-resume, the destination resumes the guest, which it does only with the vTPCM STAGED
 * in this migration (the bundle pushed while the VM migrated; pushed again if its push failed);
 * and the staged vTPCM has the expected epoch.
 */
final class VerifyState implements PhaseStep {
    private static final Duration EVIDENCE_WAIT = Duration.ofSeconds(10);
    private static final Duration EVIDENCE_POLL = Duration.ofMillis(10);
    private static final Duration STAGE_WAIT = Duration.ofSeconds(60);
    private static final Duration STAGE_POLL = Duration.ofMillis(20);
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(VerifyState.class);

    private final NodeDirectory nodes;
    private final MigrationJournal journal;
    private final Clock clock;
    private final Pacer pacer;
    private final Executor reads;

    /** @param reads where the digest reads run, beside the destination's staging check (a pool; the caller's thread in unit tests) */
    VerifyState(NodeDirectory nodes, MigrationJournal journal, Clock clock, Pacer pacer, Executor reads) {
        this.reads = requireNonNull(reads, "reads is null");
        this.nodes = requireNonNull(nodes, "nodes is null");
        this.journal = requireNonNull(journal, "journal is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.pacer = requireNonNull(pacer, "pacer is null");
    }

    @Override
    public Phase phase() {
        return Phase.VERIFIED;
    }

    @Override
    public String intent(MigrationContext context) {
        return "compare the state digests of " + context.sourceHost() + " and " + context.destinationName()
                + (context.options().verifyBeforeResume() ? ", then resume" : "");
    }

    @Override
    public Step run(ActiveRun run) {
        MigrationContext context = run.context();
        boolean journalDigests = !context.digestsKnown();
        if (journalDigests) {
            // the two nodes are asked at once (each over its kept-alive connection): the guest, paused for verification,
            // waits for one round trip here and one for the resume
            MigrationContext asked = context;
            CompletableFuture<StateDigest> leftRead = CompletableFuture.supplyAsync(
                    () -> digest(asked, asked.sourceHost(), StateEvidence::left), reads);
            StateDigest arrived = digest(context, context.destinationName(), StateEvidence::arrived);
            context = context.withDigests(join(leftRead), arrived);
            run.advance(context);
        }
        if (!context.digestLeft().matches(context.digestArrived())) {
            journal.digests(context.id(), context.digestLeft(), context.digestArrived());
            throw new StateMismatchException("the TPM state that arrived at " + context.destinationName() + " (" + context.digestArrived()
                    + ") is not the state that left " + context.sourceHost() + " (" + context.digestLeft() + ")"
                    + (context.options().verifyBeforeResume() ? "; the VM stays paused there" : "; the VM already runs there (resume-first)"));
        }
        ArrivalView arrival = context.options().verifyBeforeResume() ? resume(context)
                : nodes.node(context.destinationName()).arrival(context.id(), context.vmUuid());
        Instant resumed = clock.instant();
        if (journalDigests) {
            journal.digests(context.id(), context.digestLeft(), context.digestArrived()); // after the resume: a restart reads them again
        }
        long epoch = awaitStaged(context).epoch();
        SwitchoverFacts switchover = context.switchover() == null ? SwitchoverFacts.unknownTimes() : context.switchover();
        ArrivalFacts facts = ArrivalFacts.of(arrival.downtimeMillis(), context.options().verifyBeforeResume(), switchover, resumed);
        journal.arrived(context.id(), facts.downtimeMillis(), epoch);
        return new Step(context.withArrival(facts), "digests equal (" + context.digestLeft() + "), epoch " + epoch + "; guest "
                + arrival.domainState() + " at " + context.destinationName() + ", downtime " + facts.downtimeMillis() + " ms (QEMU's "
                + facts.qemuDowntimeMillis() + " ms; " + facts.verificationPauseMillis() + " ms paused for verification after the "
                + "migration ended)");
    }

    /**
     * The destination resumes the guest only with its vTPCM STAGED in this migration at the migration's
     * epoch: so the resume is asked at once, and only a refused one (409: the bundle pushed while the VM
     * migrated is not staged yet, or another epoch) waits for the staging, which tells which, then asks again.
     */
    private ArrivalView resume(MigrationContext context) {
        NodeApi destination = nodes.node(context.destinationName());
        try {
            return destination.resume(context.id(), context.vmUuid(), context.newEpoch());
        } catch (ManagerClientException e) {
            if (e.status() != 409) {
                throw e;
            }
            awaitStaged(context);
            return destination.resume(context.id(), context.vmUuid(), context.newEpoch());
        }
    }

    private static StateDigest join(CompletableFuture<StateDigest> read) {
        try {
            return read.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : e;
        }
    }

    /**
     * The bundle the source pushed while the VM migrated must be staged at the destination before the
     * guest may run there: waits for it, and has a failed or forgotten push repeated (the same sealed bundle).
     */
    private AssociationView awaitStaged(MigrationContext context) {
        Instant deadline = clock.instant().plus(STAGE_WAIT);
        while (true) {
            AssociationView row = nodes.node(context.destinationName()).vtpcm(context.vmUuid()).vtpcm();
            StagingDecisions.Next next = StagingDecisions.atDestination(row, context.newEpoch())
                    .orElseGet(() -> StagingDecisions.whilePushing(sourcePush(context)));
            switch (next) {
                case READY -> {
                    return row;
                }
                case WRONG_EPOCH -> throw new StateMismatchException("the vTPCM at " + context.destinationName() + " has epoch "
                        + row.epoch() + ", expected " + context.newEpoch());
                case LOST -> throw new StateMismatchException("the destination " + context.destinationName() + " holds no incoming vTPCM "
                        + "of this migration to stage its state into (it is " + row.state() + " at epoch " + row.epoch() + ")");
                case PUSH_AGAIN -> {
                    LOG.info("migration {}: the bundle is not staged at {}; the source pushes it again", context.id(),
                            context.destinationName());
                    nodes.node(context.sourceHost()).send(context.id(), SendTpcmState.again(context));
                }
                case WAIT -> {
                }
            }
            if (clock.instant().isAfter(deadline)) {
                throw new IllegalStateException("the destination " + context.destinationName() + " has not staged the vTPCM's bundle "
                        + "after " + STAGE_WAIT.toSeconds() + " s");
            }
            pacer.pause(STAGE_POLL);
        }
    }

    private BundleStatus sourcePush(MigrationContext context) {
        return nodes.node(context.sourceHost()).vmMigration(context.id(), context.vmUuid()).bundle();
    }

    /** The interposer writes its report a few milliseconds after QEMU's last control command; NONE if it never does. */
    private StateDigest digest(MigrationContext context, String host, Function<StateEvidence, Optional<StateDigest>> side) {
        Instant deadline = clock.instant().plus(EVIDENCE_WAIT);
        while (true) {
            Optional<StateDigest> digest = side.apply(nodes.node(host).verify(context.id(), context.vmUuid()));
            if (digest.isPresent()) {
                return digest.get();
            }
            if (clock.instant().isAfter(deadline)) {
                return StateDigest.NONE;
            }
            pacer.pause(EVIDENCE_POLL);
        }
    }
}
