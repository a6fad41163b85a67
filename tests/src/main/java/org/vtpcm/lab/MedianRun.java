package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Picks the run a figure shows for a variant: the counted, successful run whose total time is the median. */
final class MedianRun {
    private MedianRun() {
    }

    /**
     * The counted (round > 0), successful run of {@code variant} whose total is the median; for an
     * even count there is no such run and the lower of the two middle ones is taken (ties go to the
     * earlier round). Empty when the variant has no such run.
     */
    static Optional<MigrationSample> of(List<MigrationSample> samples, OverheadVariant variant) {
        requireNonNull(variant, "variant is null");
        List<MigrationSample> sorted = samples.stream()
                .filter(s -> s.variant() == variant && s.round() > 0 && s.ok() && s.totalMillis() >= 0)
                .sorted(Comparator.comparingLong(MigrationSample::totalMillis).thenComparingInt(MigrationSample::round))
                .toList();
        return sorted.isEmpty() ? Optional.empty() : Optional.of(sorted.get((sorted.size() - 1) / 2));
    }
}
