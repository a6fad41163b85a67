package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a benchmark started, closed once in reverse order: when the run ends, or from a shutdown hook
 * when the bench is stopped (SIGTERM, Ctrl-C), so no guest or daemon outlives it.
 */
final class BenchResources implements AutoCloseable {
    private final String bench;
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread hook;

    /** @param bench the bench's name in messages, e.g. "bench overhead" */
    BenchResources(String bench) {
        this.bench = requireNonNull(bench, "bench is null");
        this.hook = new Thread(this::closeAll, bench.replace(' ', '-') + "-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Takes the resource over: it is closed before everything owned earlier. */
    <T extends AutoCloseable> T own(T resource) {
        requireNonNull(resource, "resource is null");
        synchronized (owned) {
            owned.add(resource);
        }
        return resource;
    }

    @Override
    public void close() {
        closeAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs (or ran) closeAll, which does nothing twice
        }
    }

    private void closeAll() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<AutoCloseable> reversed;
        synchronized (owned) {
            reversed = new ArrayList<>(owned);
        }
        Collections.reverse(reversed);
        for (AutoCloseable resource : reversed) {
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println(bench + ": cleanup: " + e.getMessage());
            }
        }
    }
}
