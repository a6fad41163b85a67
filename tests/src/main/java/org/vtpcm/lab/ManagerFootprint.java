package org.vtpcm.lab;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * The figures of the manager footprint benchmark, in MiB (VmRSS KiB / 1024), from a sample with
 * the manager idle and one with N running vTPCMs. Written as the top-level fields of
 * manager-footprint.json; null = that process was not found.
 *
 * @param vtpcms N, the running vTPCMs of the second sample
 * @param managerIdleRssMb the manager, idle
 * @param managerRssMbWithVtpcms the manager with N vTPCMs
 * @param managerGrowthPerVtpcmMb (with N - idle) / N
 * @param interposerIdleRssMb the node interposer with the manager idle; null when it ran only later or not at all
 * @param interposerRssMbWithVtpcms the node interposer with N vTPCMs; null when none ran
 * @param interposerGrowthPerVtpcmMb (with N - idle, an absent idle interposer counted as 0) / N; null when none ran
 * @param perVmInterposerRssMbMedian the old architecture's interposer per vTPCM, median; null with a node interposer
 * @param swtpmRssMbMedian a running vTPCM's swtpm, median
 * @param swtpmRssMbMin its minimum
 * @param swtpmRssMbMax its maximum
 * @param poolSwtpmRssMb the idle pool members' total with N vTPCMs (a fixed cost of the node, not per vTPCM)
 * @param poolSwtpmCount how many idle pool members then
 * @param poolSwtpmRssMbIdle the idle pool members' total with the manager idle
 * @param poolSwtpmCountIdle how many then
 * @param perVtpcmRssMb what one running vTPCM adds on the node: its swtpm (mean) + the manager's growth / N + the node
 *     interposer's growth / N (or, old architecture, its own interposer's mean)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
record ManagerFootprint(int vtpcms, double managerIdleRssMb, double managerRssMbWithVtpcms, double managerGrowthPerVtpcmMb,
        Double interposerIdleRssMb, Double interposerRssMbWithVtpcms, Double interposerGrowthPerVtpcmMb, Double perVmInterposerRssMbMedian,
        double swtpmRssMbMedian, double swtpmRssMbMin, double swtpmRssMbMax, double poolSwtpmRssMb, int poolSwtpmCount,
        double poolSwtpmRssMbIdle, int poolSwtpmCountIdle, double perVtpcmRssMb) {

    static ManagerFootprint of(FootprintSample idle, FootprintSample loaded) {
        int n = loaded.vtpcmSwtpmKib().size();
        if (n == 0) {
            throw new IllegalArgumentException("the loaded sample has no running vTPCM");
        }
        double managerGrowth = (loaded.managerKib() - idle.managerKib()) / (double) n;
        Double interposerGrowth = loaded.nodeInterposerKib().isPresent()
                ? (loaded.nodeInterposerKib().getAsLong() - idle.nodeInterposerKib().orElse(0)) / (double) n : null;
        Distribution swtpm = distribution(loaded.vtpcmSwtpmKib());
        double swtpmMean = loaded.vtpcmSwtpmKib().stream().mapToLong(Long::longValue).average().orElseThrow();
        double perVmInterposerMean = loaded.perVmInterposerKib().stream().mapToLong(Long::longValue).average().orElse(0);
        double perVtpcm = swtpmMean + managerGrowth + (interposerGrowth == null ? 0 : interposerGrowth) + perVmInterposerMean;
        return new ManagerFootprint(n, mb(idle.managerKib()), mb(loaded.managerKib()), mb(managerGrowth),
                idle.nodeInterposerKib().isPresent() ? mb(idle.nodeInterposerKib().getAsLong()) : null,
                loaded.nodeInterposerKib().isPresent() ? mb(loaded.nodeInterposerKib().getAsLong()) : null,
                interposerGrowth == null ? null : mb(interposerGrowth),
                loaded.perVmInterposerKib().isEmpty() ? null : mb(distribution(loaded.perVmInterposerKib()).median()),
                mb(swtpm.median()), mb(swtpm.min()), mb(swtpm.max()), mb(total(loaded.idlePoolKib())), loaded.idlePoolKib().size(),
                mb(total(idle.idlePoolKib())), idle.idlePoolKib().size(), mb(perVtpcm));
    }

    private static Distribution distribution(List<Long> kib) {
        return Distribution.of(kib.stream().mapToDouble(Long::doubleValue).toArray());
    }

    private static long total(List<Long> kib) {
        return kib.stream().mapToLong(Long::longValue).sum();
    }

    /** KiB to MiB, to 0.01. */
    private static double mb(double kib) {
        return Math.round(kib / 1024 * 100) / 100.0;
    }
}
