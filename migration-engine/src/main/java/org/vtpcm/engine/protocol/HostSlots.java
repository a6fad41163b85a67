package org.vtpcm.engine.protocol;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-host limit on migrations at once. A migration holds a slot on its source and on its
 * destination from target selection to its end; it waits for both, never holding one while waiting.
 */
public final class HostSlots {
    private final Map<String, Integer> limits;
    private final Map<String, Integer> used = new HashMap<>();
    private final Map<Thread, String[]> held = new ConcurrentHashMap<>();

    public HostSlots(Map<String, Integer> limits) {
        this.limits = Map.copyOf(limits);
    }

    /** Blocks until both hosts have a free slot, then takes them for the calling thread. */
    public synchronized void acquire(String source, String destination) {
        try {
            while (!free(source) || !free(destination)) {
                wait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a migration slot");
        }
        used.merge(source, 1, Integer::sum);
        used.merge(destination, 1, Integer::sum);
        held.put(Thread.currentThread(), new String[] {source, destination});
    }

    /** Gives back what the calling thread holds, if anything. */
    public synchronized void releaseHeld() {
        String[] hosts = held.remove(Thread.currentThread());
        if (hosts == null) {
            return;
        }
        for (String host : hosts) {
            used.merge(host, -1, Integer::sum);
        }
        notifyAll();
    }

    public synchronized int inUse(String host) {
        return used.getOrDefault(host, 0);
    }

    public int limit(String host) {
        return limits.getOrDefault(host, 1);
    }

    private boolean free(String host) {
        return used.getOrDefault(host, 0) < limit(host);
    }
}
