package org.vtpcm.nodeapi;

import java.util.UUID;

/** Where a domain is on one host, by UUID ({@code GET /v1/vms/{vmUuid}/domain}). */
public record DomainView(UUID vmUuid, boolean present, String name, DomainState state) {
    /** Whether the guest runs or is paused here. */
    public boolean active() {
        return present && state != null && state.isActive();
    }
}
