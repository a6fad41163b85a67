package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.vtpcm.manager.libvirt.DomainLifecycleEvent;
import org.vtpcm.manager.libvirt.DomainLifecycleEvent.Kind;
import org.vtpcm.manager.libvirt.LibvirtConnector;
import org.vtpcm.manager.libvirt.LibvirtHost;

/**
 * Measures a migration's downtime the same way for every variant: from the source's SUSPENDED
 * life-cycle event to the destination's RESUMED event, each stamped with {@link System#nanoTime()}
 * when it reaches the bench over its own libvirt event connection to that node. Under
 * verify-before-resume the destination stays paused until the engine resumes it, so that wait is
 * included (QEMU's own downtime figure excludes it).
 */
final class LifecycleDowntimeProbe implements AutoCloseable {
    /** One life-cycle event as it reached the bench. */
    record Arrival(String node, String domain, Kind kind, String detail, long nanos) {
    }

    private final List<LibvirtHost> connections = new ArrayList<>();
    private final List<Arrival> arrivals = new ArrayList<>();

    LifecycleDowntimeProbe(List<LabNode> nodes, LibvirtConnector connector) {
        requireNonNull(nodes, "nodes is null");
        requireNonNull(connector, "connector is null");
        try {
            for (LabNode node : nodes) {
                LibvirtHost host = connector.connectWithEvents(node.libvirtUri());
                connections.add(host);
                host.addLifecycleListener(event -> record(new Arrival(node.name(), event.domainName(), event.kind(), event.detail(),
                        System.nanoTime())));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void record(Arrival arrival) {
        synchronized (arrivals) {
            arrivals.add(arrival);
        }
    }

    /** The events of a domain that arrived after {@code sinceNanos}, oldest first. */
    List<Arrival> since(String domain, long sinceNanos) {
        synchronized (arrivals) {
            return arrivals.stream().filter(a -> a.domain().equals(domain) && a.nanos() - sinceNanos >= 0).toList();
        }
    }

    /** Drops what arrived before {@code nanos}; the bench calls it between migrations. */
    void forgetBefore(long nanos) {
        synchronized (arrivals) {
            arrivals.removeIf(a -> a.nanos() - nanos < 0);
        }
    }

    /**
     * Waits until both events of the migration's pause have arrived.
     *
     * @return the pause in nanoseconds, or empty when the events did not arrive in time
     */
    OptionalLong awaitPause(String domain, String source, String destination, long sinceNanos, Duration timeout)
            throws InterruptedException {
        return awaitGap(domain, sinceNanos, timeout, source, Kind.SUSPENDED, destination, Kind.RESUMED);
    }

    /**
     * Waits for the source's STOPPED after its SUSPENDED: how long libvirt takes to end the
     * migration at the source once the guest is paused there.
     */
    OptionalLong awaitSourceStop(String domain, String source, long sinceNanos, Duration timeout) throws InterruptedException {
        return awaitGap(domain, sinceNanos, timeout, source, Kind.SUSPENDED, source, Kind.STOPPED);
    }

    private OptionalLong awaitGap(String domain, long sinceNanos, Duration timeout, String fromNode, Kind fromKind, String toNode,
            Kind toKind) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            OptionalLong gap = gap(since(domain, sinceNanos), fromNode, fromKind, toNode, toKind);
            if (gap.isPresent() || System.nanoTime() - deadline > 0) {
                return gap;
            }
            Thread.sleep(20);
        }
    }

    /** The gap between the first {@code fromKind} event of {@code fromNode} and the first {@code toKind} of {@code toNode} after it. */
    static OptionalLong gap(List<Arrival> arrivals, String fromNode, Kind fromKind, String toNode, Kind toKind) {
        Arrival first = null;
        for (Arrival arrival : arrivals) {
            if (first == null) {
                if (arrival.node().equals(fromNode) && arrival.kind() == fromKind) {
                    first = arrival;
                }
            } else if (arrival.node().equals(toNode) && arrival.kind() == toKind && arrival.nanos() - first.nanos() >= 0) {
                return OptionalLong.of(arrival.nanos() - first.nanos());
            }
        }
        return OptionalLong.empty();
    }

    /** A short account of the domain's events since a time, for failure messages. */
    String describe(String domain, long sinceNanos) {
        StringBuilder text = new StringBuilder();
        for (Arrival arrival : since(domain, sinceNanos)) {
            text.append(String.format("%s %s(%s) +%d ms; ", arrival.node(), arrival.kind(), arrival.detail(),
                    (arrival.nanos() - sinceNanos) / 1_000_000));
        }
        return text.isEmpty() ? "no events" : text.toString().trim();
    }

    @Override
    public void close() {
        for (LibvirtHost connection : connections) {
            connection.close();
        }
        connections.clear();
    }
}
