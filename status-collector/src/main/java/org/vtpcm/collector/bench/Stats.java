package org.vtpcm.collector.bench;

import java.util.Arrays;

/** Median and p95 of a series of samples (nanoseconds in, reported in the unit asked). */
public record Stats(int samples, double median, double p95) {
    static Stats of(long[] nanos, double divisor) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new Stats(sorted.length, sorted[sorted.length / 2] / divisor,
                sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.95) - 1)] / divisor);
    }
}
