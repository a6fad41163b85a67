package org.vtpcm.nodeapi;

/** An outgoing VM migration at the source: RUNNING, COMPLETED, FAILED; UNKNOWN when the manager holds no record of it. */
public enum VmMigrationStatus {
    RUNNING,
    COMPLETED,
    FAILED,
    UNKNOWN
}
