package org.vtpcm.lab;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Arrays;
import java.util.Map;

/**
 * One entry of overhead.json's {@code samples}: a {@link MigrationSample} as written and read back
 * (the figures are drawn from the JSON alone). Absent numbers are unknown; an older file has no
 * {@code timeline}.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
record OverheadSampleJson(int round, String variant, String from, String to, boolean ok, String failure, Long totalMs,
        Double downtimeMs, Double sourceStopMs, Long qemuDowntimeMs, String events, String guestSteps, String guestTpmCheckFailures,
        Long engineDowntimeMs, Long verificationPauseMs, Map<String, Long> phasesMs, MigrationTimeline timeline) {

    static OverheadSampleJson of(MigrationSample s) {
        if (!s.ok()) {
            return new OverheadSampleJson(s.round(), s.variant().key(), s.from(), s.to(), false, s.failure(), null, null, null, null, null,
                    null, null, null, null, null, null);
        }
        boolean engine = s.variant().throughEngine();
        return new OverheadSampleJson(s.round(), s.variant().key(), s.from(), s.to(), true, null, s.totalMillis(), known(s.downtimeMillis()),
                known(s.sourceStopMillis()), s.qemuDowntimeMillis(), s.events(), emptyToNull(s.guestSteps()),
                emptyToNull(s.tpmCheckFailures()), engine ? s.engineDowntimeMillis() : null, engine ? s.verificationPauseMillis() : null,
                engine ? s.phaseMillis() : null, s.timeline());
    }

    MigrationSample toSample() {
        OverheadVariant parsed = Arrays.stream(OverheadVariant.values()).filter(v -> v.key().equals(variant)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown variant '" + variant + "' in round " + round));
        if (!ok) {
            return MigrationSample.failed(round, parsed, from, to, failure == null ? "?" : failure);
        }
        return new MigrationSample(round, parsed, from, to, null, orMinusOne(totalMs), orNaN(downtimeMs), orNaN(sourceStopMs),
                orMinusOne(qemuDowntimeMs), orMinusOne(engineDowntimeMs), orMinusOne(verificationPauseMs),
                phasesMs == null ? Map.of() : phasesMs, events == null ? "" : events, guestSteps == null ? "" : guestSteps,
                guestTpmCheckFailures == null ? "" : guestTpmCheckFailures, timeline == null ? MigrationTimeline.NONE : timeline);
    }

    private static Double known(double value) {
        return Double.isNaN(value) ? null : Math.round(value * 1000) / 1000.0;
    }

    private static String emptyToNull(String text) {
        return text.isEmpty() ? null : text;
    }

    private static long orMinusOne(Long value) {
        return value == null ? -1 : value;
    }

    private static double orNaN(Double value) {
        return value == null ? Double.NaN : value;
    }
}
