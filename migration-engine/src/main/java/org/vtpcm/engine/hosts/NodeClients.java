package org.vtpcm.engine.hosts;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.manager.client.ManagerClient;

/** The configured compute nodes and a mutual-TLS client of each node's manager, as the engine. */
public final class NodeClients {
    private final Map<String, HostConfig> hosts = new LinkedHashMap<>();
    private final Map<String, ManagerClient> clients = new LinkedHashMap<>();

    public NodeClients(List<HostConfig> hosts, SSLContext engineTls) {
        requireNonNull(engineTls, "engineTls is null");
        for (HostConfig host : hosts) {
            this.hosts.put(host.name(), host);
            clients.put(host.name(), new ManagerClient(host.manager(), engineTls));
        }
    }

    public List<HostConfig> hosts() {
        return List.copyOf(hosts.values());
    }

    public Optional<HostConfig> host(String name) {
        return Optional.ofNullable(hosts.get(name));
    }

    public ManagerClient client(String name) {
        ManagerClient client = clients.get(name);
        if (client == null) {
            throw new UnknownHostException("no host named '" + name + "'; known hosts: " + hosts.keySet());
        }
        return client;
    }
}
