package org.vtpcm.engine.protocol;

/** The migration is past the switchover (or over): it can no longer be aborted. */
public final class PastSwitchoverException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PastSwitchoverException(String message) {
        super(message);
    }
}
