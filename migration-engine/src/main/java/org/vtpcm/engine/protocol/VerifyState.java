package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.vtpcm.engine.journal.MigrationJournal;
import org.vtpcm.engine.journal.Phase;

/**
 * VERIFIED: the SM3 of the TPM state blobs QEMU fetched at the source equals the SM3 of those it
 * loaded at the destination (each seen by that node's control-channel interposer), and the staged
 * vTPCM has the expected epoch. Then, under verify-before-resume, the destination VM is resumed.
 */
final class VerifyState implements PhaseStep {
    private static final Duration EVIDENCE_WAIT = Duration.ofSeconds(10);
    private static final Duration EVIDENCE_POLL = Duration.ofMillis(10);

    private final Nodes nodes;
    private final MigrationJournal journal;
    private final Clock clock;

    VerifyState(Nodes nodes, MigrationJournal journal, Clock clock) {
        this.nodes = requireNonNull(nodes, "nodes is null");
        this.journal = requireNonNull(journal, "journal is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public Phase phase() {
        return Phase.VERIFIED;
    }

    @Override
    public String intent(MigrationRun run) {
        return "compare the state digests of " + run.source + " and " + run.destinationName()
                + (run.options.verifyBeforeResume() ? ", then resume" : "");
    }

    @Override
    public String run(MigrationRun run) {
        if (run.digestLeft == null || run.digestArrived == null) {
            run.digestLeft = digest(run, run.source, "fetched");
            run.digestArrived = digest(run, run.destinationName(), "loaded");
            Map<String, Object> digests = new LinkedHashMap<>();
            digests.put("digest_left", run.digestLeft);
            digests.put("digest_arrived", run.digestArrived);
            journal.update(run.id, digests);
        }
        if (run.digestLeft.isEmpty() || !run.digestLeft.equals(run.digestArrived)) {
            throw new StateMismatchException("the TPM state that arrived at " + run.destinationName() + " (" + show(run.digestArrived)
                    + ") is not the state that left " + run.source + " (" + show(run.digestLeft) + ")"
                    + (run.options.verifyBeforeResume() ? "; the VM stays paused there" : "; the VM already runs there (resume-first)"));
        }
        JsonNode staged = nodes.client(run.destinationName()).vtpcm(run.vmUuid).path("vtpcm");
        long epoch = staged.path("epoch").asLong(-1);
        if (epoch != run.newEpoch()) {
            throw new StateMismatchException("the vTPCM at " + run.destinationName() + " has epoch " + epoch + ", expected "
                    + run.newEpoch());
        }
        JsonNode arrival = run.options.verifyBeforeResume()
                ? nodes.post(run.destinationName(), run.id, "resume", nodes.vmBody(run.vmUuid))
                : nodes.post(run.destinationName(), run.id, "arrival", nodes.vmBody(run.vmUuid));
        Instant resumed = clock.instant();
        run.qemuDowntimeMillis = arrival.path("downtimeMillis").asLong(-1);
        if (run.options.verifyBeforeResume() && run.vmMigrationCompletedAt != null) {
            run.verificationPauseMillis = Math.max(0, Duration.between(run.vmMigrationCompletedAt, resumed).toMillis());
        }
        // what the guest lived through: from its stop at the source to the resume here (node clocks in sync, as NTP keeps them);
        // without the source's event time, QEMU's figure plus the pause after the migration ended (a lower bound)
        long downtime = run.options.verifyBeforeResume() && run.sourceSuspendedAt != null
                ? Math.max(0, Duration.between(run.sourceSuspendedAt, resumed).toMillis())
                : run.qemuDowntimeMillis < 0 ? -1 : run.qemuDowntimeMillis + run.verificationPauseMillis;
        journal.update(run.id, Map.of("downtime_ms", downtime, "epoch", epoch));
        return "digests equal (" + run.digestLeft + "), epoch " + epoch + "; guest " + arrival.path("domainState").asText()
                + " at " + run.destinationName() + ", downtime " + downtime + " ms (QEMU's " + run.qemuDowntimeMillis + " ms; "
                + run.verificationPauseMillis + " ms paused for verification after the migration ended)";
    }

    /** The interposer writes its report a few milliseconds after QEMU's last control command. */
    private String digest(MigrationRun run, String host, String side) {
        Instant deadline = clock.instant().plus(EVIDENCE_WAIT);
        while (true) {
            JsonNode evidence = nodes.post(host, run.id, "verify", nodes.vmBody(run.vmUuid));
            if (evidence.path(side + "Types").asText().startsWith("PERMANENT,VOLATILE") && evidence.path("inSync").asBoolean()) {
                return evidence.path(side + "Digest").asText();
            }
            if (clock.instant().isAfter(deadline)) {
                return "";
            }
            try {
                Thread.sleep(EVIDENCE_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading the state evidence");
            }
        }
    }

    private static String show(String digest) {
        return digest == null || digest.isEmpty() ? "no digest" : digest;
    }
}
