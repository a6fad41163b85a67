package org.vtpcm.lab;

import java.util.List;

/**
 * Whether the guest's TPM state continued exactly across everything it went through.
 *
 * @param steps number of step lines examined
 * @param firstSeq first step number seen, 0 if none
 * @param lastSeq last step number seen, 0 if none
 * @param problems each discontinuity found; empty means continuous
 */
public record ContinuityVerdict(int steps, long firstSeq, long lastSeq, List<String> problems) {
    public ContinuityVerdict {
        problems = List.copyOf(problems);
    }

    public boolean continuous() {
        return steps > 0 && problems.isEmpty();
    }

    /** One line for humans: "continuous (seq 1..57, 57 steps)" or the first problems. */
    public String summary() {
        if (steps == 0) {
            return "NO DATA (the guest reported no TPM check step)";
        }
        if (problems.isEmpty()) {
            return "continuous (seq " + firstSeq + ".." + lastSeq + ", " + steps + " steps, no gap, no repeat, no fail)";
        }
        return "BROKEN: " + problems.size() + " problem(s): " + String.join("; ", problems.subList(0, Math.min(3, problems.size())));
    }
}
