package org.vtpcm.engine.protocol;

import java.time.Duration;
import java.time.Instant;

/**
 * How the guest lived through its arrival: QEMU's own downtime figure, the time it stayed paused for
 * verification after the VM migration ended, and the downtime the guest saw.
 *
 * @param qemuDowntimeMillis libvirt's figure for the migration's stop-and-copy, -1 if unknown
 * @param verificationPauseMillis paused at the destination after the VM migration ended, until resumed
 * @param downtimeMillis from the guest's stop at the source to its resume at the destination, -1 if unknown
 */
public record ArrivalFacts(long qemuDowntimeMillis, long verificationPauseMillis, long downtimeMillis) {
    public static final ArrivalFacts UNKNOWN = new ArrivalFacts(-1, 0, -1);

    /**
     * The downtime the guest lived through, from its stop at the source to the resume (node clocks in
     * sync, as NTP keeps them); without the source's stop time, QEMU's figure plus the pause after the
     * migration ended (a lower bound).
     */
    public static ArrivalFacts of(long qemuDowntimeMillis, boolean verifyBeforeResume, SwitchoverFacts switchover, Instant resumed) {
        long pause = verifyBeforeResume && switchover.vmMigrationEndedAt() != null
                ? Math.max(0, Duration.between(switchover.vmMigrationEndedAt(), resumed).toMillis()) : 0;
        long downtime = verifyBeforeResume && switchover.sourceSuspendedAt() != null
                ? Math.max(0, Duration.between(switchover.sourceSuspendedAt(), resumed).toMillis())
                : qemuDowntimeMillis < 0 ? -1 : qemuDowntimeMillis + pause;
        return new ArrivalFacts(qemuDowntimeMillis, pause, downtime);
    }
}
