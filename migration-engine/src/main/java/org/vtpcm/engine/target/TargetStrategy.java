package org.vtpcm.engine.target;

import java.util.List;
import java.util.Optional;

/**
 * Picks the destination among hosts that passed every check (attestation, capacity, CPU, vTPCM
 * support). New strategies implement this and register in {@link TargetStrategies}.
 */
public interface TargetStrategy {
    String name();

    /**
     * @param requestedHost the host the requester named, if any
     * @param eligible hosts that passed every check, never the source
     */
    Optional<Candidate> choose(Optional<String> requestedHost, List<Candidate> eligible);
}
