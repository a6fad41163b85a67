package org.vtpcm.manager.association;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One row of the node's durable VM-vTPCM association list.
 *
 * @param vtpcmId the vTPCM's id (stable across migrations)
 * @param vmUuid the VM's libvirt/Nova uuid
 * @param vmName the libvirt domain name
 * @param state life-cycle state
 * @param epoch monotonic migration counter: +1 at every committed migration
 * @param host the node this row says the vTPCM lives on
 * @param policy active-control policy for the VM
 * @param createdAt when the row was created
 * @param updatedAt when the row last changed
 * @param attention a reconciliation finding an operator must look at, if any
 * @param migration the migration the vTPCM is in, while it is in one: every migration hook names it
 */
public record Association(UUID vtpcmId, UUID vmUuid, String vmName, VtpcmState state, long epoch, String host,
        ControlPolicy policy, Instant createdAt, Instant updatedAt, Optional<String> attention, Optional<MigrationBinding> migration) {
    public Association {
        requireNonNull(vtpcmId, "vtpcmId is null");
        requireNonNull(vmUuid, "vmUuid is null");
        requireNonNull(vmName, "vmName is null");
        requireNonNull(state, "state is null");
        requireNonNull(host, "host is null");
        requireNonNull(policy, "policy is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(updatedAt, "updatedAt is null");
        requireNonNull(attention, "attention is null");
        requireNonNull(migration, "migration is null");
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must not be negative");
        }
    }

    /** A row outside any migration. */
    public Association(UUID vtpcmId, UUID vmUuid, String vmName, VtpcmState state, long epoch, String host, ControlPolicy policy,
            Instant createdAt, Instant updatedAt, Optional<String> attention) {
        this(vtpcmId, vmUuid, vmName, state, epoch, host, policy, createdAt, updatedAt, attention, Optional.empty());
    }

    /** The id of the migration the vTPCM is in, if any. */
    public Optional<UUID> migrationId() {
        return migration.map(MigrationBinding::migrationId);
    }
}
