package org.vtpcm.engine.target;

import java.util.List;
import java.util.Optional;

/** The operator names the destination; it is taken only if it passed every check. */
public final class ExplicitHost implements TargetStrategy {
    public static final String NAME = "explicit";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Candidate> choose(Optional<String> requestedHost, List<Candidate> eligible) {
        String wanted = requestedHost.orElseThrow(() -> new IllegalArgumentException("strategy explicit needs a host ('to')"));
        return eligible.stream().filter(candidate -> candidate.host().name().equals(wanted)).findFirst();
    }
}
