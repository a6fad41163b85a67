package org.vtpcm.nova;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/**
 * A Nova server as the engine needs it.
 *
 * @param host the compute host running it ({@code OS-EXT-SRV-ATTR:host}, admin only; empty otherwise)
 * @param hypervisorHostname {@code OS-EXT-SRV-ATTR:hypervisor_hostname}
 * @param instanceName the libvirt domain name ({@code OS-EXT-SRV-ATTR:instance_name})
 * @param taskState e.g. {@code migrating}; empty when idle
 * @param flavorId empty from 2.47 on, where the flavor is embedded instead
 * @param flavorExtraSpecs the flavor's extra specs at the time the server was created or resized
 * @param fault the fault message of a server in ERROR, if any
 */
public record NovaServer(String id, String name, String status, Optional<String> taskState, Optional<String> vmState,
        Optional<String> host, Optional<String> hypervisorHostname, Optional<String> instanceName, Optional<String> flavorId,
        Map<String, String> flavorExtraSpecs, Optional<String> fault) {

    public NovaServer {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(status, "status is null");
        requireNonNull(taskState, "taskState is null");
        requireNonNull(vmState, "vmState is null");
        requireNonNull(host, "host is null");
        requireNonNull(hypervisorHostname, "hypervisorHostname is null");
        requireNonNull(instanceName, "instanceName is null");
        requireNonNull(flavorId, "flavorId is null");
        flavorExtraSpecs = Map.copyOf(flavorExtraSpecs);
        requireNonNull(fault, "fault is null");
    }

    public NovaServer withFlavorExtraSpecs(Map<String, String> extraSpecs) {
        return new NovaServer(id, name, status, taskState, vmState, host, hypervisorHostname, instanceName, flavorId, extraSpecs, fault);
    }
}
