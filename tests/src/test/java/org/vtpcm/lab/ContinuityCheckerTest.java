package org.vtpcm.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContinuityCheckerTest {
    private static TpmCheckLine ok(long seq) {
        return new TpmCheckLine(seq, "aa", seq + 1, true, "");
    }

    private static List<TpmCheckLine> okRun(long from, long to) {
        List<TpmCheckLine> steps = new ArrayList<>();
        for (long seq = from; seq <= to; seq++) {
            steps.add(ok(seq));
        }
        return steps;
    }

    @Test
    void aContiguousRunIsContinuous() {
        ContinuityVerdict verdict = ContinuityChecker.check(okRun(1, 50));
        assertTrue(verdict.continuous(), verdict.summary());
        assertEquals(50, verdict.steps());
        assertEquals(1, verdict.firstSeq());
        assertEquals(50, verdict.lastSeq());
    }

    @Test
    void noStepsIsNotContinuous() {
        ContinuityVerdict verdict = ContinuityChecker.check(List.of());
        assertFalse(verdict.continuous());
        assertTrue(verdict.summary().startsWith("NO DATA"));
    }

    @Test
    void aGapIsFound() {
        List<TpmCheckLine> steps = okRun(1, 10);
        steps.addAll(okRun(13, 20));
        ContinuityVerdict verdict = ContinuityChecker.check(steps);
        assertFalse(verdict.continuous());
        assertTrue(verdict.problems().get(0).contains("gap"), verdict.summary());
    }

    @Test
    void aRepeatAsFromAClonedGuestIsFound() {
        List<TpmCheckLine> steps = okRun(1, 10);
        steps.add(ok(10));
        steps.addAll(okRun(11, 12));
        ContinuityVerdict verdict = ContinuityChecker.check(steps);
        assertFalse(verdict.continuous());
        assertTrue(verdict.problems().stream().anyMatch(p -> p.contains("repeated")), verdict.summary());
    }

    @Test
    void aGuestReportedFailureIsFound() {
        List<TpmCheckLine> steps = okRun(1, 5);
        steps.add(new TpmCheckLine(6, "", -1, false, "pcrextend-error"));
        ContinuityVerdict verdict = ContinuityChecker.check(steps);
        assertFalse(verdict.continuous());
        assertTrue(verdict.problems().get(0).contains("pcrextend-error"));
    }

    @Test
    void anNvCounterThatDoesNotRiseByOneIsFound() {
        List<TpmCheckLine> steps = okRun(1, 5);
        steps.add(new TpmCheckLine(6, "aa", 2, true, ""));
        ContinuityVerdict verdict = ContinuityChecker.check(steps);
        assertFalse(verdict.continuous());
        assertTrue(verdict.problems().get(0).contains("nv=2"), verdict.summary());
    }

    @Test
    void aGuestThatRestartedIsFound() {
        List<TpmCheckLine> steps = okRun(1, 5);
        steps.addAll(okRun(1, 3));
        assertFalse(ContinuityChecker.check(steps).continuous());
    }

    @Test
    void aLogThatMissesTheStartIsFound() {
        assertFalse(ContinuityChecker.check(okRun(4, 9)).continuous());
    }
}
