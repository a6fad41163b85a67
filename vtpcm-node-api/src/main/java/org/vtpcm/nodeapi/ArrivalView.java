package org.vtpcm.nodeapi;

import java.util.UUID;

/** What arrived at the destination ({@code arrival}, {@code resume}): the domain's state and libvirt's figures of the finished job. */
public record ArrivalView(UUID vmUuid, String vmName, DomainState domainState, long downtimeMillis, long elapsedMillis,
        long dataBytes) {
}
