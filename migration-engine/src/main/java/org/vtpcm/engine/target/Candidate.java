package org.vtpcm.engine.target;

import org.vtpcm.engine.config.HostConfig;

/**
 * A host that passed every check, with its load.
 *
 * @param vtpcms live vTPCMs on it
 * @param activeMigrations migrations involving it now
 */
public record Candidate(HostConfig host, int vtpcms, int activeMigrations) {
    /** What least-loaded minimises. */
    public int load() {
        return vtpcms + activeMigrations;
    }
}
