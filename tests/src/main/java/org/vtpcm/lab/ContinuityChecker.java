package org.vtpcm.lab;

import java.util.ArrayList;
import java.util.List;

/** Decides from the guest's step lines whether its TPM state continued exactly. A pure function. */
public final class ContinuityChecker {
    private static final int MAX_PROBLEMS = 50;

    private ContinuityChecker() {
    }

    /**
     * Steps must be numbered 1, 2, 3... in console order with no gap and no repeat (a repeat is
     * what a clone running on two nodes would print), each must say ok, and the NV counter must
     * rise by exactly one per step.
     */
    public static ContinuityVerdict check(List<TpmCheckLine> steps) {
        List<String> problems = new ArrayList<>();
        long expectedSeq = steps.isEmpty() ? 0 : steps.get(0).seq();
        if (!steps.isEmpty() && expectedSeq != 1) {
            add(problems, "first step is seq=" + expectedSeq + ", not seq=1");
        }
        long previousNv = -1;
        for (TpmCheckLine step : steps) {
            if (step.seq() < expectedSeq) {
                add(problems, "seq=" + step.seq() + " repeated (expected seq=" + expectedSeq + ")");
            } else if (step.seq() > expectedSeq) {
                add(problems, "gap: seq=" + expectedSeq + ".." + (step.seq() - 1) + " missing");
            }
            if (!step.ok()) {
                add(problems, "seq=" + step.seq() + " fail reason=" + step.reason());
            } else if (previousNv >= 0 && step.nv() != previousNv + 1) {
                add(problems, "seq=" + step.seq() + " nv=" + step.nv() + " does not follow nv=" + previousNv);
            }
            previousNv = step.nv();
            expectedSeq = Math.max(expectedSeq, step.seq() + 1);
        }
        long first = steps.isEmpty() ? 0 : steps.get(0).seq();
        long last = steps.isEmpty() ? 0 : steps.get(steps.size() - 1).seq();
        return new ContinuityVerdict(steps.size(), first, last, problems);
    }

    private static void add(List<String> problems, String problem) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(problem);
        }
    }
}
