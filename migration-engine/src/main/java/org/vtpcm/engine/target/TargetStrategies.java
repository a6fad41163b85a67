package org.vtpcm.engine.target;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The strategies the engine knows, by name. */
public final class TargetStrategies {
    private final Map<String, TargetStrategy> byName = new LinkedHashMap<>();

    public TargetStrategies(List<TargetStrategy> strategies) {
        strategies.forEach(strategy -> byName.put(strategy.name(), strategy));
    }

    public static TargetStrategies defaults() {
        return new TargetStrategies(List.of(new ExplicitHost(), new LeastLoadedTrusted(), new NovaScheduled()));
    }

    public TargetStrategy get(String name) {
        TargetStrategy strategy = byName.get(name);
        if (strategy == null) {
            throw new IllegalArgumentException("unknown strategy '" + name + "'; known: " + byName.keySet());
        }
        return strategy;
    }

    public boolean knows(String name) {
        return byName.containsKey(name);
    }
}
