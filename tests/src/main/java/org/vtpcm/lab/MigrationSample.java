package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One measured migration of the overhead benchmark.
 *
 * @param round the round (0 = warm-up)
 * @param variant what was migrated, and how
 * @param from source node
 * @param to destination node
 * @param failure why it failed, or null when it succeeded
 * @param totalMillis the variant's total migration time (see {@link OverheadBench})
 * @param downtimeMillis source SUSPENDED to destination RESUMED, from lifecycle events; NaN when not observed
 * @param sourceStopMillis source SUSPENDED to source STOPPED, from lifecycle events (libvirt ending the migration at the
 *     source); NaN when not observed
 * @param qemuDowntimeMillis QEMU's own downtime figure; -1 when unknown
 * @param engineDowntimeMillis the engine's downtimeMs (QEMU's + verification pause); -1 for the baselines
 * @param verificationPauseMillis the engine's verification pause; -1 for the baselines
 * @param phaseMillis the engine's phase durations, in order; empty for the baselines
 * @param events the domain's life-cycle events as they reached the bench (node, kind, detail, ms after the start)
 * @param guestSteps the guest's TPM check steps from the request to two steps after the end ("21..29"); empty without TPM
 * @param tpmCheckFailures the guest's own TPM check failures among those steps; empty when none or no TPM
 * @param timeline the phases' and the life-cycle events' times from the request; {@link MigrationTimeline#NONE} when failed
 */
record MigrationSample(int round, OverheadVariant variant, String from, String to, String failure, long totalMillis,
        double downtimeMillis, double sourceStopMillis, long qemuDowntimeMillis, long engineDowntimeMillis, long verificationPauseMillis,
        Map<String, Long> phaseMillis, String events, String guestSteps,
        String tpmCheckFailures, MigrationTimeline timeline) {
    MigrationSample {
        requireNonNull(variant, "variant is null");
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        requireNonNull(events, "events is null");
        requireNonNull(guestSteps, "guestSteps is null");
        requireNonNull(tpmCheckFailures, "tpmCheckFailures is null");
        requireNonNull(timeline, "timeline is null");
        phaseMillis = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(phaseMillis, "phaseMillis is null")));
    }

    static MigrationSample failed(int round, OverheadVariant variant, String from, String to, String failure) {
        return new MigrationSample(round, variant, from, to, requireNonNull(failure, "failure is null"), -1, Double.NaN, Double.NaN, -1, -1, -1,
                Map.of(), "", "", "", MigrationTimeline.NONE);
    }

    boolean ok() {
        return failure == null;
    }
}
