package org.vtpcm.manager.association;

import java.util.EnumSet;
import java.util.Set;

/**
 * Life of a vTPCM on one node. The allowed moves are written down once, here; everything else is
 * refused with {@link IllegalTransitionException}.
 */
public enum VtpcmState {
    /** Exists with its identity and (encrypted) TPM state; its VM is not running. */
    CREATED,
    /** Its VM runs here and its TPM engine serves it. */
    RUNNING,
    /** Migration started: the TPCM layer accepts no change while its state is captured. */
    FROZEN,
    /** Its state has been exported to a destination; waiting for commit or abort. */
    MIGRATING_OUT,
    /** Prepared here for an incoming migration, with an empty TPM engine. */
    MIGRATING_IN,
    /** The incoming state has been verified and staged; waiting for commit. */
    STAGED,
    /** Gone: state erased. Terminal. */
    DESTROYED;

    public Set<VtpcmState> next() {
        return switch (this) {
            case CREATED -> EnumSet.of(RUNNING, DESTROYED);
            case RUNNING -> EnumSet.of(CREATED, FROZEN);
            case FROZEN -> EnumSet.of(RUNNING, MIGRATING_OUT);
            case MIGRATING_OUT -> EnumSet.of(RUNNING, DESTROYED);
            case MIGRATING_IN -> EnumSet.of(STAGED, DESTROYED);
            case STAGED -> EnumSet.of(RUNNING, DESTROYED);
            case DESTROYED -> EnumSet.noneOf(VtpcmState.class);
        };
    }

    public boolean canMoveTo(VtpcmState target) {
        return next().contains(target);
    }

    /** States that belong to one migration: the row names it, and only that migration's hooks may move it. */
    public boolean inMigration() {
        return this == FROZEN || this == MIGRATING_OUT || this == MIGRATING_IN || this == STAGED;
    }

    /** States in which this node's TPM engine for the vTPCM may be running. */
    public boolean engineMayRun() {
        return this == RUNNING || this == FROZEN || this == MIGRATING_OUT || this == MIGRATING_IN || this == STAGED;
    }
}
