package org.vtpcm.manager.tpcm;

import java.util.ArrayList;
import java.util.List;
import org.vtpcm.manager.association.ControlPolicy;

/** The active-control decision: a pure function of the policy and the measurements. */
public final class ActiveControl {
    private ActiveControl() {
    }

    public static ControlDecision decide(ControlPolicy policy, List<ArtifactMeasurement> measurements) {
        List<String> reasons = new ArrayList<>();
        for (ArtifactMeasurement measurement : measurements) {
            if (measurement.required() && !measurement.trusted()) {
                reasons.add(measurement.kind().text() + " " + measurement.target() + ": " + measurement.note());
            }
        }
        if (reasons.isEmpty()) {
            return new ControlDecision(true, false, List.of());
        }
        return policy == ControlPolicy.DENY ? new ControlDecision(false, false, reasons) : new ControlDecision(true, true, reasons);
    }
}
