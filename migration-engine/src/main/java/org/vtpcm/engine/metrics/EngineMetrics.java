package org.vtpcm.engine.metrics;

import com.google.inject.Inject;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.vtpcm.engine.journal.Phase;

/** The engine's Prometheus metrics: migrations by outcome, phase durations, downtime, how many run. */
public final class EngineMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger active = new AtomicInteger();

    @Inject
    public EngineMetrics() {
        Gauge.builder("vtpcm.migrations.active", active, AtomicInteger::get).description("migrations running now").register(registry);
        for (Phase outcome : new Phase[] {Phase.COMMITTED, Phase.ROLLED_BACK, Phase.FAILED}) {
            outcomes(outcome); // present at zero from the start
        }
    }

    /** Seeds the counters with what the journal holds from before a restart. */
    public void seed(Map<Phase, Long> countsByOutcome) {
        countsByOutcome.forEach((outcome, count) -> outcomes(outcome).increment(count));
    }

    public void started() {
        active.incrementAndGet();
    }

    public void ended(Phase outcome) {
        active.decrementAndGet();
        outcomes(outcome).increment();
    }

    public void phase(Phase phase, Duration took) {
        Timer.builder("vtpcm.migration.phase").description("time spent in each protocol phase").tag("phase", phase.name())
                .register(registry).record(took);
    }

    public void downtime(Duration downtime) {
        DistributionSummary.builder("vtpcm.migration.downtime").baseUnit("seconds")
                .description("guest downtime per committed migration (QEMU's plus any verify-before-resume pause)")
                .register(registry).record(downtime.toNanos() / 1e9);
    }

    /** Prometheus text exposition format. */
    public String scrape() {
        return registry.scrape();
    }

    private Counter outcomes(Phase outcome) {
        return Counter.builder("vtpcm.migrations").description("migrations ended, by outcome").tag("outcome", outcome.name())
                .register(registry);
    }
}
