package org.vtpcm.manager.libvirt;

/**
 * libvirt's statistics of the last completed migration job of a domain, read on the destination.
 *
 * @param elapsedMillis libvirt's "time_elapsed"
 * @param downtimeMillis QEMU's own "downtime": it excludes any wait while the guest is kept paused
 *     at the destination, so it is a lower bound of the pause the guest experiences
 * @param dataTransferredBytes bytes of guest state sent
 */
public record CompletedJob(long elapsedMillis, long downtimeMillis, long dataTransferredBytes) {
}
