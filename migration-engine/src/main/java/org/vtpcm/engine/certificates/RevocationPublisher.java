package org.vtpcm.engine.certificates;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;
import java.time.Duration;
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
import org.vtpcm.manager.api.RevocationStatus;

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

    /** Delivers the current list to every host whose manager does not confirm holding its number. */
    void pushBehind() {
        PublishedList list = registry.current();
        for (HostConfig host : nodes.hosts()) {
            BigInteger held = delivered.getOrDefault(host.name(), BigInteger.ONE.negate());
            if (held.compareTo(list.number()) >= 0) {
                continue;
            }
            try {
                RevocationStatus status = nodes.client(host.name()).putRevocations(list.der());
                BigInteger number = new BigInteger(status.number());
                delivered.put(host.name(), number);
                warned.remove(host.name());
                LOG.info("revocation list {} {} on host {}", number, status.installed() ? "installed" : "already held", host.name());
            } catch (RuntimeException e) {
                // once per list and host at WARN; the retries every round only at DEBUG
                if (!list.number().equals(warned.put(host.name(), list.number()))) {
                    LOG.warn("revocation list {} not delivered to host {}: {}; retrying every {} s", list.number(), host.name(),
                            e.getMessage(), retryEvery.toSeconds());
                } else {
                    LOG.debug("revocation list {} still not delivered to host {}: {}", list.number(), host.name(), e.getMessage());
                }
            }
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
