package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

/**
 * One measured live migration of the Nova overhead benchmark (definitions in {@link NovaOverheadReport#DEFINITIONS}).
 *
 * @param round the pair (0 = warm-up)
 * @param flavor which server
 * @param from source compute
 * @param to destination compute
 * @param failure why it failed, or null when it succeeded
 * @param totalMillis client started to Nova's record completed; -1 when failed
 * @param cliMillis client started to client exited; -1 when unknown
 * @param downtimeMillis source SUSPENDED to destination RESUMED, from life-cycle events; NaN when not observed
 * @param qemuDowntimeMillis QEMU's own downtime figure; -1 when unknown
 * @param engineTotalMillis the engine's totalMs of the protocol run inside the migration; -1 for plain or unknown
 * @param engineDowntimeMillis the engine's downtimeMs; -1 for plain or unknown
 * @param novaMigration Nova's migration record (id and uuid), empty when none was seen
 * @param events the domain's life-cycle events as they reached the bench
 * @param tpmCheckFailures the vtpcm guest's own TPM check failures from the request to one step after the end; empty when none
 */
record NovaMigrationSample(int round, NovaBenchFlavor flavor, String from, String to, String failure, long totalMillis, long cliMillis,
        double downtimeMillis, long qemuDowntimeMillis, long engineTotalMillis, long engineDowntimeMillis, String novaMigration,
        String events, String tpmCheckFailures) {
    NovaMigrationSample {
        requireNonNull(flavor, "flavor is null");
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        requireNonNull(novaMigration, "novaMigration is null");
        requireNonNull(events, "events is null");
        requireNonNull(tpmCheckFailures, "tpmCheckFailures is null");
    }

    static NovaMigrationSample failed(int round, NovaBenchFlavor flavor, String from, String to, String failure, String novaMigration) {
        return new NovaMigrationSample(round, flavor, from, to, requireNonNull(failure, "failure is null"), -1, -1, Double.NaN, -1, -1,
                -1, novaMigration, "", "");
    }

    boolean ok() {
        return failure == null;
    }

    /** From the client's exit (Nova accepted the request) to the completed record; -1 when unknown. */
    long acceptedToCompletedMillis() {
        return ok() && cliMillis >= 0 ? totalMillis - cliMillis : -1;
    }
}
