package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.vtpcm.nodeapi.DomainState;
import org.vtpcm.manager.libvirt.LibvirtHost;

/**
 * Watches where a guest is while it migrates and records every moment it ran on two nodes at
 * once or was active on none. Each round reads all nodes twice; a node counts as running only if
 * both reads say so, and as absent only if both say so, so a switchover that happens between two
 * reads is not mistaken for a violation.
 */
public final class PlacementMonitor implements AutoCloseable {
    private static final long INTERVAL_MILLIS = 10;

    private final String domainName;
    private final List<LibvirtHost> hosts;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<String> violations = new ArrayList<>();
    private final Thread thread;
    private long rounds;

    /** Starts watching; {@code hosts} should be connections of the monitor's own. */
    public PlacementMonitor(String domainName, List<LibvirtHost> hosts) {
        this.domainName = requireNonNull(domainName, "domainName is null");
        this.hosts = List.copyOf(hosts);
        this.thread = new Thread(this::watch, "placement-monitor-" + domainName);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void watch() {
        while (running.get()) {
            List<Optional<DomainState>> first = readAll();
            List<Optional<DomainState>> second = readAll();
            int runningBoth = 0;
            boolean activeSomewhere = false;
            for (int i = 0; i < hosts.size(); i++) {
                if (is(first.get(i), DomainState.RUNNING) && is(second.get(i), DomainState.RUNNING)) {
                    runningBoth++;
                }
                if (first.get(i).map(DomainState::isActive).orElse(false) || second.get(i).map(DomainState::isActive).orElse(false)) {
                    activeSomewhere = true;
                }
            }
            synchronized (this) {
                rounds++;
                if (runningBoth > 1) {
                    violations.add("running on " + runningBoth + " nodes at once (round " + rounds + ": " + first + " / " + second + ")");
                }
                if (!activeSomewhere) {
                    violations.add("active on no node (round " + rounds + ")");
                }
            }
            LabSwtpm.sleep(INTERVAL_MILLIS);
        }
    }

    private List<Optional<DomainState>> readAll() {
        List<Optional<DomainState>> states = new ArrayList<>();
        for (LibvirtHost host : hosts) {
            try {
                states.add(host.state(domainName));
            } catch (RuntimeException e) {
                states.add(Optional.of(DomainState.OTHER));
            }
        }
        return states;
    }

    private static boolean is(Optional<DomainState> state, DomainState expected) {
        return state.map(s -> s == expected).orElse(false);
    }

    public synchronized long rounds() {
        return rounds;
    }

    public synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
