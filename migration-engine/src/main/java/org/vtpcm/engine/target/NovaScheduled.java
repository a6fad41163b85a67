package org.vtpcm.engine.target;

import java.util.List;
import java.util.Optional;

/**
 * Nova's scheduler (or an operator through Nova) chose the destination; as for an explicit host, it
 * is taken only if it passed every check (trust, vTPCM support, CPU, capacity). The name marks the
 * migration as driven by Nova's compute driver in the journal.
 */
public final class NovaScheduled implements TargetStrategy {
    public static final String NAME = "nova";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Candidate> choose(Optional<String> requestedHost, List<Candidate> eligible) {
        String wanted = requestedHost.orElseThrow(() -> new IllegalArgumentException("strategy nova needs Nova's destination"));
        return eligible.stream().filter(candidate -> candidate.host().name().equals(wanted)).findFirst();
    }
}
