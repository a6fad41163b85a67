package org.vtpcm.nodeapi;

import java.time.Instant;
import java.util.UUID;

/**
 * One outgoing VM migration as seen at the source ({@code GET .../migrate-vm}). {@code confirmedAt}:
 * when the source manager saw libvirtd decide that the migration succeeded (the guest can no longer
 * resume there), while the status is still RUNNING because libvirtd is stopping the source's QEMU.
 * {@code bundle}: the background push of the vTPCM's bundle in the same migration, if one was asked.
 */
public record OutgoingView(UUID migrationId, UUID vmUuid, String vmName, VmMigrationStatus status, String destinationUri,
        Instant startedAt, Long wallMillis, JobProgress progress, String error, DomainState domainState, Instant suspendedAt,
        Instant confirmedAt, BundleStatus bundle) {
    public OutgoingView(UUID migrationId, UUID vmUuid, String vmName, VmMigrationStatus status, String destinationUri,
            Instant startedAt, Long wallMillis, JobProgress progress, String error, DomainState domainState, Instant suspendedAt,
            Instant confirmedAt) {
        this(migrationId, vmUuid, vmName, status, destinationUri, startedAt, wallMillis, progress, error, domainState, suspendedAt,
                confirmedAt, null);
    }

    public OutgoingView withBundle(BundleStatus push) {
        return new OutgoingView(migrationId, vmUuid, vmName, status, destinationUri, startedAt, wallMillis, progress, error, domainState,
                suspendedAt, confirmedAt, push);
    }

    /** Whether libvirt has switched the guest over to the destination (finished, or confirmed while the source stops QEMU). */
    public boolean switchedOver() {
        return status == VmMigrationStatus.COMPLETED || status == VmMigrationStatus.RUNNING && confirmedAt != null;
    }
}
