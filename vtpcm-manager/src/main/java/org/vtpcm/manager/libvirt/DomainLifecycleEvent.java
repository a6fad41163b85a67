package org.vtpcm.manager.libvirt;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/**
 * A libvirt domain life-cycle event, reduced to what the manager reacts to.
 *
 * @param domainName the domain
 * @param uuid its uuid
 * @param kind what happened
 * @param detail libvirt's detail (e.g. CRASHED, MIGRATED, DESTROYED)
 */
public record DomainLifecycleEvent(String domainName, UUID uuid, Kind kind, String detail) {
    public DomainLifecycleEvent {
        requireNonNull(domainName, "domainName is null");
        requireNonNull(uuid, "uuid is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(detail, "detail is null");
    }

    /** Event kinds. */
    public enum Kind { DEFINED, UNDEFINED, STARTED, SUSPENDED, RESUMED, STOPPED, CRASHED, OTHER }

    /** Whether the domain left this host by migration (its stop is not a VM stop). */
    public boolean migratedAway() {
        return kind == Kind.STOPPED && detail.contains("MIGRATED");
    }
}
