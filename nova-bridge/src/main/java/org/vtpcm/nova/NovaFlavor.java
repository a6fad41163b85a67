package org.vtpcm.nova;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/** A flavor and its extra specs. */
public record NovaFlavor(String id, String name, int vcpus, int ramMb, int diskGb, Map<String, String> extraSpecs) {
    public NovaFlavor {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        extraSpecs = Map.copyOf(extraSpecs);
    }
}
