package org.vtpcm.service.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The keys of one configuration, in the order they are documented. */
public final class ConfigKeys {
    private final Map<String, ConfigKey<?>> keys = new LinkedHashMap<>();

    private ConfigKeys(List<ConfigKey<?>> keys) {
        for (ConfigKey<?> key : keys) {
            if (this.keys.putIfAbsent(key.name(), key) != null) {
                throw new IllegalArgumentException("key " + key.name() + " is declared twice");
            }
        }
    }

    public static ConfigKeys of(ConfigKey<?>... keys) {
        return new ConfigKeys(List.of(keys));
    }

    public List<ConfigKey<?>> list() {
        return List.copyOf(keys.values());
    }

    /** The names, in documentation order. */
    public Set<String> names() {
        return java.util.Collections.unmodifiableSet(keys.keySet());
    }

    public boolean contains(String name) {
        return keys.containsKey(name);
    }

    /** Every key as {@code # help}, {@code name = default} and a blank line: a valid config file of the defaults. */
    public String describe() {
        return describe("");
    }

    /** As {@link #describe()}, each name written after a prefix such as {@code host.<name>.}. */
    public String describe(String prefix) {
        StringBuilder text = new StringBuilder();
        for (ConfigKey<?> key : keys.values()) {
            text.append("# ").append(key.help()).append('\n');
            text.append(prefix).append(key.name()).append(" = ").append(key.defaultValue()).append("\n\n");
        }
        return text.toString();
    }
}
