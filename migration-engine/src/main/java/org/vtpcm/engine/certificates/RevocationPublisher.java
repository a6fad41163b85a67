package org.vtpcm.engine.certificates;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.engine.hosts.NodeClients;
import org.vtpcm.nodeapi.RevocationStatus;

/**
 * Delivers the registry's revocation list to every configured host's manager
 * ({@code PUT /v1/revocations}): at start-up, right after every change, and every
 * {@code retryEvery} to each host still behind (a node that was down catches up). Best effort per
 * host, on a thread of its own, so a slow or hostile node delays nobody's API call. The same task
 * reissues the list before it grows stale.
 */
public final class RevocationPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationPublisher.class);

    private final CertificateRegistry registry;
    private final NodeClients nodes;
    private final Duration retryEvery;
    private final Map<String, BigInteger> delivered = new ConcurrentHashMap<>();
    private final Map<String, BigInteger> warned = new ConcurrentHashMap<>();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "revocation-publisher");
        thread.setDaemon(true);
        return thread;
    });

    public RevocationPublisher(CertificateRegistry registry, NodeClients nodes, Duration retryEvery) {
        this.registry = requireNonNull(registry, "registry is null");
        this.nodes = requireNonNull(nodes, "nodes is null");
        this.retryEvery = requireNonNull(retryEvery, "retryEvery is null");
    }

    /** Pushes now, after every change of the list, and every {@code retryEvery} to hosts still behind. */
    public void start() {
        registry.onChange(this::pushSoon);
        executor.scheduleWithFixedDelay(this::tick, 0, retryEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The CRL number each host's manager confirmed holding (hosts never reached are absent). */
    public Map<String, BigInteger> delivered() {
        return Map.copyOf(delivered);
    }

    /** One round: reissue a list that is half-way to its next update, then deliver to every host behind. */
    void tick() {
        try {
            registry.reissueIfDue();
            pushBehind();
        } catch (RuntimeException e) {
            LOG.warn("publishing the revocation list failed: {}", e.getMessage());
        }
    }

    private void pushSoon() {
        try {
            executor.execute(this::pushBehind);
        } catch (RejectedExecutionException e) {
            // closing: the next start pushes
        }
    }

    /**
     * Delivers the current list to every host whose manager does not confirm holding its number, to all
     * of them at once with the per-host timeout: a slow or hostile node delays no other node's list.
     */
    void pushBehind() {
        PublishedList list = registry.current();
        List<HostConfig> behind = nodes.hosts().stream()
                .filter(host -> delivered.getOrDefault(host.name(), BigInteger.ONE.negate()).compareTo(list.number()) < 0).toList();
        Map<HostConfig, Delivery> results = nodes.fanOut().each(behind,
                host -> new Delivery(nodes.attestationNode(host.name()).putRevocations(list.der()), null),
                (host, problem) -> new Delivery(null, problem));
        results.forEach((host, result) -> {
            if (result.status() != null) {
                BigInteger number = new BigInteger(result.status().number());
                delivered.put(host.name(), number);
                warned.remove(host.name());
                LOG.info("revocation list {} {} on host {}", number, result.status().installed() ? "installed" : "already held",
                        host.name());
            } else if (!list.number().equals(warned.put(host.name(), list.number()))) {
                // once per list and host at WARN; the retries every round only at DEBUG
                LOG.warn("revocation list {} not delivered to host {}: {}; retrying every {} s", list.number(), host.name(),
                        result.problem(), retryEvery.toSeconds());
            } else {
                LOG.debug("revocation list {} still not delivered to host {}: {}", list.number(), host.name(), result.problem());
            }
        });
    }

    /** One host's answer to a push: the status it confirmed, or why it did not. */
    private record Delivery(RevocationStatus status, String problem) {
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
