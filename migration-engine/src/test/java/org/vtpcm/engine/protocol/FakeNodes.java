package org.vtpcm.engine.protocol;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.engine.hosts.NodeDirectory;
import org.vtpcm.engine.hosts.UnknownHostException;

/** A few {@link FakeNode}s as the engine's node directory. */
final class FakeNodes implements NodeDirectory {
    private final Map<String, FakeNode> nodes = new LinkedHashMap<>();
    private final Map<String, HostConfig> hosts = new LinkedHashMap<>();
    /** Every call to any node, in order, as "node call" (e.g. "n2 commit"). */
    final List<String> log = new ArrayList<>();

    FakeNodes(String... names) {
        for (String name : names) {
            nodes.put(name, new FakeNode(name, this));
            hosts.put(name, new HostConfig(name, URI.create("https://" + name + ":9443"), "qemu+tls://" + name + "/system", 2, 64));
        }
    }

    @Override
    public FakeNode node(String name) {
        FakeNode node = nodes.get(name);
        if (node == null) {
            throw new UnknownHostException("no host named '" + name + "'");
        }
        return node;
    }

    @Override
    public List<HostConfig> hosts() {
        return List.copyOf(hosts.values());
    }

    @Override
    public Optional<HostConfig> host(String name) {
        return Optional.ofNullable(hosts.get(name));
    }
}
