package org.vtpcm.engine.journal;

/**
 * The protocol's states, in order. A migration is in a phase from the moment the journal records
 * that the phase begins (before its side effect) until the next one begins.
 */
public enum Phase {
    REQUESTED,
    TARGET_SELECTED,
    DEST_ATTESTED,
    DEST_PREPARED,
    TPCM_STATE_SENT,
    VM_MIGRATING,
    VERIFIED,
    COMMITTED,
    ROLLED_BACK,
    FAILED;

    /** An end state: nothing more happens to the migration. */
    public boolean isEnd() {
        return this == COMMITTED || this == ROLLED_BACK || this == FAILED;
    }
}
