package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import org.vtpcm.engine.hosts.NodeDirectory;
import org.vtpcm.engine.journal.MigrationJournal;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.nodeapi.ArrivalView;
import org.vtpcm.nodeapi.StateEvidence;
import org.vtpcm.protocol.state.StateDigest;

/**
 * VERIFIED: the digest of the TPM state blobs QEMU fetched at the source equals the digest of those it
 * loaded at the destination (each seen by that node's control-channel interposer), and the staged
 * vTPCM has the expected epoch. Then, under verify-before-resume, the destination VM is resumed.
 */
final class VerifyState implements PhaseStep {
    private static final Duration EVIDENCE_WAIT = Duration.ofSeconds(10);
    private static final Duration EVIDENCE_POLL = Duration.ofMillis(10);

    private final NodeDirectory nodes;
    private final MigrationJournal journal;
    private final Clock clock;
    private final Pacer pacer;

    VerifyState(NodeDirectory nodes, MigrationJournal journal, Clock clock, Pacer pacer) {
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
        if (!context.digestsKnown()) {
            StateDigest left = digest(context, context.sourceHost(), StateEvidence::left);
            StateDigest arrived = digest(context, context.destinationName(), StateEvidence::arrived);
            journal.digests(context.id(), left, arrived);
            context = context.withDigests(left, arrived);
            run.advance(context);
        }
        if (!context.digestLeft().matches(context.digestArrived())) {
            throw new StateMismatchException("the TPM state that arrived at " + context.destinationName() + " (" + context.digestArrived()
                    + ") is not the state that left " + context.sourceHost() + " (" + context.digestLeft() + ")"
                    + (context.options().verifyBeforeResume() ? "; the VM stays paused there" : "; the VM already runs there (resume-first)"));
        }
        long epoch = nodes.node(context.destinationName()).vtpcm(context.vmUuid()).vtpcm().epoch();
        if (epoch != context.newEpoch()) {
            throw new StateMismatchException("the vTPCM at " + context.destinationName() + " has epoch " + epoch + ", expected "
                    + context.newEpoch());
        }
        var destination = nodes.node(context.destinationName());
        ArrivalView arrival = context.options().verifyBeforeResume() ? destination.resume(context.id(), context.vmUuid())
                : destination.arrival(context.id(), context.vmUuid());
        Instant resumed = clock.instant();
        SwitchoverFacts switchover = context.switchover() == null ? SwitchoverFacts.unknownTimes() : context.switchover();
        ArrivalFacts facts = ArrivalFacts.of(arrival.downtimeMillis(), context.options().verifyBeforeResume(), switchover, resumed);
        journal.arrived(context.id(), facts.downtimeMillis(), epoch);
        return new Step(context.withArrival(facts), "digests equal (" + context.digestLeft() + "), epoch " + epoch + "; guest "
                + arrival.domainState() + " at " + context.destinationName() + ", downtime " + facts.downtimeMillis() + " ms (QEMU's "
                + facts.qemuDowntimeMillis() + " ms; " + facts.verificationPauseMillis() + " ms paused for verification after the "
                + "migration ended)");
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
