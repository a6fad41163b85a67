package org.vtpcm.engine.hosts;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.vtpcm.engine.config.HostConfig;

/**
 * Calls every host at once and waits for each at most the per-host timeout, so one stalling node
 * delays nobody else: a host that times out or fails gets the caller's fallback with the reason.
 */
public final class HostFanOut implements AutoCloseable {
    /** Beyond the per-host timeout, so the clients' own timeouts (the same) end a call first, with their own reason. */
    private static final Duration GRACE = Duration.ofSeconds(1);

    private final Duration perHost;
    private final ExecutorService workers = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "host-call");
        thread.setDaemon(true);
        return thread;
    });

    public HostFanOut(Duration perHost) {
        this.perHost = requireNonNull(perHost, "perHost is null");
    }

    public Duration perHost() {
        return perHost;
    }

    /**
     * Each host's answer, in the hosts' order.
     *
     * @param failed the answer for a host whose call timed out or threw, given the reason
     */
    public <T> Map<HostConfig, T> each(List<HostConfig> hosts, Function<HostConfig, T> call, BiFunction<HostConfig, String, T> failed) {
        Map<HostConfig, Future<T>> calls = new LinkedHashMap<>();
        for (HostConfig host : hosts) {
            calls.put(host, workers.submit(() -> call.apply(host)));
        }
        long deadline = System.nanoTime() + perHost.plus(GRACE).toNanos();
        Map<HostConfig, T> answers = new LinkedHashMap<>();
        for (Map.Entry<HostConfig, Future<T>> entry : calls.entrySet()) {
            answers.put(entry.getKey(), await(entry.getKey(), entry.getValue(), deadline, failed));
        }
        return answers;
    }

    private <T> T await(HostConfig host, Future<T> call, long deadline, BiFunction<HostConfig, String, T> failed) {
        try {
            return call.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            return failed.apply(host, "no answer within " + perHost.toSeconds() + " s (attestation.host-timeout-seconds)");
        } catch (ExecutionException e) {
            return failed.apply(host, e.getCause() == null || e.getCause().getMessage() == null ? "failed" : e.getCause().getMessage());
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            return failed.apply(host, "interrupted");
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
