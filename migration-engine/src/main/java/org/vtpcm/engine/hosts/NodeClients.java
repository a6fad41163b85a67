package org.vtpcm.engine.hosts;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.nodeapi.HttpsNodeApi;
import org.vtpcm.nodeapi.ManagerClient;
import org.vtpcm.nodeapi.NodeApi;

/**
 * The configured compute nodes and mutual-TLS clients of each node's manager, as the engine: every
 * answer is bounded in size and time; attestation calls get the shorter per-host timeout, and
 * {@link #fanOut()} calls all hosts at once under it.
 */
public final class NodeClients implements NodeDirectory, AutoCloseable {
    private final Map<String, HostConfig> hosts = new LinkedHashMap<>();
    private final Map<String, NodeApi> clients = new LinkedHashMap<>();
    private final Map<String, NodeApi> attestationClients = new LinkedHashMap<>();
    private final HostFanOut fanOut;

    public NodeClients(List<HostConfig> hosts, SSLContext engineTls) {
        this(hosts, engineTls, ManagerClient.DEFAULT_TIMEOUT, Duration.ofSeconds(10));
    }

    /**
     * @param callTimeout longest wait for a whole answer of a migration hook or read
     * @param hostTimeout longest wait for one host's attestation, and for each host in {@link #fanOut()}
     */
    public NodeClients(List<HostConfig> hosts, SSLContext engineTls, Duration callTimeout, Duration hostTimeout) {
        requireNonNull(engineTls, "engineTls is null");
        for (HostConfig host : hosts) {
            this.hosts.put(host.name(), host);
            clients.put(host.name(), new HttpsNodeApi(new ManagerClient(host.manager(), engineTls, callTimeout,
                    ManagerClient.DEFAULT_MAX_ANSWER_BYTES)));
            attestationClients.put(host.name(), new HttpsNodeApi(new ManagerClient(host.manager(), engineTls, hostTimeout,
                    ManagerClient.DEFAULT_MAX_ANSWER_BYTES)));
        }
        this.fanOut = new HostFanOut(hostTimeout);
    }

    /** The host's manager with the attestation timeout (a stalling node fails its attestation in time). */
    public NodeApi attestationNode(String name) {
        node(name);
        return attestationClients.get(name);
    }

    /** Calls every host at once, each bounded by the per-host timeout. */
    public HostFanOut fanOut() {
        return fanOut;
    }

    @Override
    public void close() {
        fanOut.close();
    }

    @Override
    public List<HostConfig> hosts() {
        return List.copyOf(hosts.values());
    }

    @Override
    public Optional<HostConfig> host(String name) {
        return Optional.ofNullable(hosts.get(name));
    }

    @Override
    public NodeApi node(String name) {
        NodeApi client = clients.get(name);
        if (client == null) {
            throw new UnknownHostException("no host named '" + name + "'; known hosts: " + hosts.keySet());
        }
        return client;
    }
}
