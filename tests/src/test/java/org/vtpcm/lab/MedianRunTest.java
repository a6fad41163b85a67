package org.vtpcm.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MedianRunTest {
    private static MigrationSample run(int round, long total) {
        return OverheadFixtures.noTpm(round, total, 200);
    }

    @Test
    void anOddCountGivesTheRunWhoseTotalIsTheMedian() {
        List<MigrationSample> samples = List.of(run(1, 3000), run(2, 5000), run(3, 4000), run(4, 1000), run(5, 2000));
        assertEquals(3000, MedianRun.of(samples, OverheadVariant.NO_TPM).orElseThrow().totalMillis());
    }

    @Test
    void anEvenCountGivesTheLowerOfTheTwoMiddleRuns() {
        List<MigrationSample> samples = List.of(run(1, 4000), run(2, 1000), run(3, 3000), run(4, 2000));
        assertEquals(4, MedianRun.of(samples, OverheadVariant.NO_TPM).orElseThrow().round());
    }

    @Test
    void equalTotalsGoToTheEarlierRound() {
        List<MigrationSample> samples = List.of(run(3, 2000), run(1, 2000), run(2, 2000));
        assertEquals(2, MedianRun.of(samples, OverheadVariant.NO_TPM).orElseThrow().round());
    }

    @Test
    void theWarmUpFailuresAndOtherVariantsDoNotCount() {
        List<MigrationSample> samples = List.of(run(0, 100), run(1, 3000),
                MigrationSample.failed(2, OverheadVariant.NO_TPM, "a", "b", "libvirt: x"), OverheadFixtures.vtpcm(3, 0.1),
                run(4, 5000), run(5, 4000));
        assertEquals(5, MedianRun.of(samples, OverheadVariant.NO_TPM).orElseThrow().round());
    }

    @Test
    void noSuccessfulCountedRunGivesNothing() {
        assertTrue(MedianRun.of(List.of(run(0, 100)), OverheadVariant.NO_TPM).isEmpty());
        assertTrue(MedianRun.of(List.of(run(1, 100)), OverheadVariant.VTPCM).isEmpty());
    }
}
