package org.vtpcm.lab;

import java.util.Arrays;

/**
 * Median, p95 (nearest rank), min and max of a series of measurements, in the unit they came in.
 * (Like the collector bench's {@code Stats}, which is internal to its module and has no min/max.)
 * The median of an even count is the mean of the two middle values. Empty series give NaN.
 */
record Distribution(int runs, double median, double p95, double min, double max) {
    static Distribution of(double[] values) {
        double[] sorted = Arrays.stream(values).filter(value -> !Double.isNaN(value)).sorted().toArray();
        int n = sorted.length;
        if (n == 0) {
            return new Distribution(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        double p95 = sorted[Math.max(0, (int) Math.ceil(n * 0.95) - 1)];
        return new Distribution(n, median, p95, sorted[0], sorted[n - 1]);
    }
}
