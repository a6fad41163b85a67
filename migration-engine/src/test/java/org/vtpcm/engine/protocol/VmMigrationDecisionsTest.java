package org.vtpcm.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vtpcm.engine.journal.VmProgress;
import org.vtpcm.engine.protocol.VmMigrationDecisions.Placement;
import org.vtpcm.engine.protocol.VmMigrationDecisions.Verdict;
import org.vtpcm.nodeapi.JobProgress;
import org.vtpcm.nodeapi.OutgoingView;
import org.vtpcm.nodeapi.VmMigrationStatus;

/** The pure decisions of following a VM migration. */
class VmMigrationDecisionsTest {
    static final Instant NOW = Instant.parse("2026-01-01T00:10:00Z");
    static final Duration TIMEOUT = Duration.ofSeconds(300);
    static final Duration TOLERANCE = Duration.ofSeconds(10);

    private static Optional<OutgoingView> view(VmMigrationStatus status, boolean confirmed) {
        return Optional.of(new OutgoingView(UUID.randomUUID(), UUID.randomUUID(), "vm", status, "qemu+tls://n2/system", NOW, 1000L, null,
                null, null, NOW, confirmed ? NOW : null));
    }

    @ParameterizedTest(name = "{0}, confirmed {1}: {2}")
    @CsvSource({"COMPLETED, false, COMPLETED", "COMPLETED, true, COMPLETED", "FAILED, false, FAILED", "FAILED, true, FAILED",
            "UNKNOWN, false, NO_RECORD", "RUNNING, false, RUNNING", "RUNNING, true, CONFIRMED"})
    void theVerdictOnEachAnswerOfTheSource(VmMigrationStatus status, boolean confirmed, Verdict verdict) {
        assertEquals(verdict, VmMigrationDecisions.verdict(view(status, confirmed)));
    }

    @Test
    void anUnreachableSourceManagerCountsAsStillRunning() {
        assertEquals(Verdict.RUNNING, VmMigrationDecisions.verdict(Optional.empty()));
    }

    @ParameterizedTest(name = "destination active {0}, source active {1}: {2}")
    @CsvSource({"true, false, DESTINATION", "false, true, SOURCE", "true, true, UNSETTLED", "false, false, UNSETTLED"})
    void placementByWhichHostHasTheDomainActive(boolean destinationActive, boolean sourceActive, Placement placement) {
        assertEquals(placement, VmMigrationDecisions.placement(destinationActive, sourceActive));
    }

    private static Optional<String> abortReason(boolean requested, Duration elapsed, Instant lostSince) {
        return VmMigrationDecisions.abortReason(requested, elapsed, TIMEOUT, lostSince, NOW, TOLERANCE, "n2");
    }

    @Test
    void anOperatorsAbortComesFirstThenTheTimeoutThenTheLostDestination() {
        Instant longLost = NOW.minusSeconds(60);
        assertEquals(Optional.of("aborted by the operator"), abortReason(true, TIMEOUT.plusSeconds(1), longLost));
        assertEquals(Optional.of("the VM migration took longer than 300 s"), abortReason(false, TIMEOUT.plusSeconds(1), longLost));
        assertEquals(Optional.of("the destination manager on n2 became unreachable before the switchover"),
                abortReason(false, Duration.ofSeconds(1), longLost));
        assertEquals(Optional.empty(), abortReason(false, Duration.ofSeconds(1), null));
    }

    @Test
    void theTimeoutIsPassedOnlyOnceElapsedExceedsIt() {
        assertEquals(Optional.empty(), abortReason(false, TIMEOUT, null));
        assertEquals(Optional.of("the VM migration took longer than 300 s"), abortReason(false, TIMEOUT.plusMillis(1), null));
    }

    @Test
    void aDestinationLostForExactlyTheToleranceIsGivenUp() {
        assertEquals(Optional.empty(), abortReason(false, Duration.ZERO, NOW.minus(TOLERANCE).plusMillis(1)));
        assertEquals(Optional.of("the destination manager on n2 became unreachable before the switchover"),
                abortReason(false, Duration.ZERO, NOW.minus(TOLERANCE)));
        assertEquals(Optional.empty(), abortReason(false, Duration.ZERO, NOW), "just lost");
    }

    @Test
    void lostSinceStartsAtTheFirstMissKeepsItAndClearsWhenTheDestinationAnswers() {
        Instant first = NOW.minusSeconds(4);
        assertEquals(NOW, VmMigrationDecisions.lostSince(null, false, NOW));
        assertEquals(first, VmMigrationDecisions.lostSince(first, false, NOW));
        assertNull(VmMigrationDecisions.lostSince(first, true, NOW));
        assertNull(VmMigrationDecisions.lostSince(null, true, NOW));
    }

    @Test
    void progressWithoutByteCountsIsNotJournaled() {
        assertEquals(Optional.empty(), VmMigrationDecisions.progress(null, Duration.ofSeconds(3)));
        assertEquals(Optional.empty(), VmMigrationDecisions.progress(new JobProgress(3000, 0, 0, 0), Duration.ofSeconds(3)));
        assertEquals(Optional.empty(), VmMigrationDecisions.progress(new JobProgress(3000, -1, 5, 5), Duration.ofSeconds(3)));
    }

    @Test
    void progressRateAndEtaOverLibvirtsElapsedTime() {
        assertEquals(Optional.of(new VmProgress(8_000, 2_000, 6_000, 1_000, 6L)),
                VmMigrationDecisions.progress(new JobProgress(2_000, 8_000, 2_000, 6_000), Duration.ofSeconds(60)));
    }

    @Test
    void progressWithoutLibvirtsElapsedTimeUsesTheTimeSinceFollowing() {
        assertEquals(Optional.of(new VmProgress(8_000, 2_000, 6_000, 500, 12L)),
                VmMigrationDecisions.progress(new JobProgress(0, 8_000, 2_000, 6_000), Duration.ofSeconds(4)));
    }

    @Test
    void progressAtZeroElapsedCountsOneMillisecondNotADivisionByZero() {
        assertEquals(Optional.of(new VmProgress(8_000, 2, 7_998, 2_000, 3L)),
                VmMigrationDecisions.progress(new JobProgress(0, 8_000, 2, 7_998), Duration.ZERO));
    }

    @Test
    void progressWithNothingSentYetHasNoEta() {
        assertEquals(Optional.of(new VmProgress(8_000, 0, 8_000, 0, null)),
                VmMigrationDecisions.progress(new JobProgress(1_000, 8_000, 0, 8_000), Duration.ofSeconds(1)));
    }
}
