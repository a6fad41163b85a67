package org.vtpcm.nodeapi;

import java.time.Instant;
import java.util.List;

/**
 * What start-up reconciliation found.
 *
 * @param at when it ran
 * @param adopted vTPCMs whose row, domain and engine agreed
 * @param repaired changes made, each with its reason (state moves only; nothing deleted)
 * @param flagged findings left for an operator
 */
public record ReconcileReport(Instant at, List<String> adopted, List<String> repaired, List<String> flagged) {
    public ReconcileReport {
        adopted = List.copyOf(adopted);
        repaired = List.copyOf(repaired);
        flagged = List.copyOf(flagged);
    }
}
