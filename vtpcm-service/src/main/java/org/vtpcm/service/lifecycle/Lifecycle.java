package org.vtpcm.service.lifecycle;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a daemon's services in order and stops them in reverse order, the one place that owns them. Each step is
 * recorded once it has started; {@link #close()} stops the recorded ones, newest first, each even if another fails.
 * A step that fails to start stops the ones before it and fails the start.
 */
public final class Lifecycle implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

    private final Deque<Step> started = new ArrayDeque<>();
    private boolean closed;

    /** Something to stop; {@link AutoCloseable} without the checked exception. */
    @FunctionalInterface
    public interface Stop {
        void stop() throws Exception;
    }

    private record Step(String name, Stop stop) {
    }

    /** Runs a start-up step that leaves nothing to stop. */
    public synchronized void run(String name, Runnable step) {
        start(name, step, () -> { });
    }

    /** Starts a service and records how to stop it. */
    public synchronized void start(String name, Runnable start, Stop stop) {
        requireNonNull(name, "name is null");
        requireNonNull(stop, "stop is null");
        if (closed) {
            throw new IllegalStateException("the lifecycle is closed; cannot start " + name);
        }
        try {
            start.run();
        } catch (RuntimeException e) {
            LOG.error("{} failed to start; stopping what started before it", name);
            close();
            throw e;
        }
        started.push(new Step(name, stop));
    }

    /** Records a resource that is open already (e.g. made by the injector) to be stopped in its turn. */
    public synchronized void opened(String name, Stop stop) {
        start(name, () -> { }, stop);
    }

    /** Stops everything started, in reverse order; calling it again does nothing. */
    @Override
    public synchronized void close() {
        closed = true;
        while (!started.isEmpty()) {
            Step step = started.pop();
            try {
                step.stop().stop();
            } catch (Exception e) {
                LOG.warn("stopping {} failed", step.name(), e);
            }
        }
    }
}
