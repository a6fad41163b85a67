package org.vtpcm.engine.target;

import java.util.Optional;

/** What the protocol asks of target selection: a destination for a VM on {@code source}, or {@link NoTargetException}. */
@FunctionalInterface
public interface TargetChoice {
    TargetSelector.Selection select(String source, Optional<String> requestedHost, String strategyName);
}
