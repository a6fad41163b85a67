package org.vtpcm.nova;

import static java.util.Objects.requireNonNull;

/**
 * A compute node as os-hypervisors reports it (at microversion 2.1, where the resource figures are still present).
 *
 * @param host the nova-compute service's host, the name {@code os-migrateLive} and servers' host use
 * @param up the service state is {@code up}
 * @param enabled the service status is {@code enabled}
 */
public record Hypervisor(String id, String hypervisorHostname, String host, boolean up, boolean enabled, int runningVms, int memoryMb,
        int memoryUsedMb, int freeRamMb, int vcpus, int vcpusUsed) {
    public Hypervisor {
        requireNonNull(id, "id is null");
        requireNonNull(hypervisorHostname, "hypervisorHostname is null");
        requireNonNull(host, "host is null");
    }

    /** Nova would schedule a migration onto it. */
    public boolean usable() {
        return up && enabled;
    }
}
