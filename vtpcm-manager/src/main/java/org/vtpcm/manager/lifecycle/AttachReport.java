package org.vtpcm.manager.lifecycle;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.vtpcm.manager.association.Association;
import org.vtpcm.manager.tpcm.ArtifactMeasurement;
import org.vtpcm.manager.tpcm.ControlDecision;

/** What attaching a vTPCM to a domain its owner defines gave: the row, the domain XML to define, the measurements and verdict. */
public record AttachReport(Association association, String domainXml, List<ArtifactMeasurement> measurements, ControlDecision decision) {
    public AttachReport {
        requireNonNull(association, "association is null");
        requireNonNull(domainXml, "domainXml is null");
        measurements = List.copyOf(measurements);
        requireNonNull(decision, "decision is null");
    }
}
