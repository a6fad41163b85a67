package org.vtpcm.engine.target;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The trusted host with the fewest vTPCMs plus running migrations; ties go to the first name. */
public final class LeastLoadedTrusted implements TargetStrategy {
    public static final String NAME = "least-loaded";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Candidate> choose(Optional<String> requestedHost, List<Candidate> eligible) {
        return eligible.stream().min(Comparator.comparingInt(Candidate::load).thenComparing(candidate -> candidate.host().name()));
    }
}
