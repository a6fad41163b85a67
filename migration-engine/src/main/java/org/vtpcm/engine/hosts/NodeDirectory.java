package org.vtpcm.engine.hosts;

import java.util.List;
import java.util.Optional;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.nodeapi.NodeApi;

/** The configured compute nodes and the node API of each: what the protocol's phases call (a fake in unit tests). */
public interface NodeDirectory {
    List<HostConfig> hosts();

    Optional<HostConfig> host(String name);

    /**
     * The node API of the named host.
     *
     * @throws UnknownHostException when no host has that name
     */
    NodeApi node(String name);
}
