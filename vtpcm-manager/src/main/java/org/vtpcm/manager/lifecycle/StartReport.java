package org.vtpcm.manager.lifecycle;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.vtpcm.manager.association.Association;
import org.vtpcm.manager.tpcm.ArtifactMeasurement;
import org.vtpcm.manager.tpcm.ControlDecision;

/** What happened when a VM was started: its measurements, the control decision, its row after. */
public record StartReport(Association association, List<ArtifactMeasurement> measurements, ControlDecision decision) {
    public StartReport {
        requireNonNull(association, "association is null");
        measurements = List.copyOf(measurements);
        requireNonNull(decision, "decision is null");
    }
}
