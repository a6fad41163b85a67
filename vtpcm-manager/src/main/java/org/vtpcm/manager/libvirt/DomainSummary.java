package org.vtpcm.manager.libvirt;

import org.vtpcm.nodeapi.DomainState;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/** A domain known to a host: name, uuid and state. */
public record DomainSummary(String name, UUID uuid, DomainState state) {
    public DomainSummary {
        requireNonNull(name, "name is null");
        requireNonNull(uuid, "uuid is null");
        requireNonNull(state, "state is null");
    }
}
