package org.vtpcm.engine.protocol;

import java.time.Instant;

/**
 * What is known of a migration's switchover (the guest can no longer run at the source).
 *
 * @param vmMigrationEndedAt when libvirt's VM migration ended or was confirmed; null when only judged afterwards (a restart)
 * @param sourceSuspendedAt when the guest stopped at the source (libvirt's SUSPENDED event there), if known
 */
public record SwitchoverFacts(Instant vmMigrationEndedAt, Instant sourceSuspendedAt) {
    /** A switchover learnt after the fact (from the journal or by where the VM runs), with no times. */
    public static SwitchoverFacts unknownTimes() {
        return new SwitchoverFacts(null, null);
    }
}
