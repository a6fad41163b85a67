package org.vtpcm.engine.protocol;

/** After the switchover, the state that arrived is not the state that left: the migration fails, the VM stays paused. */
public final class StateMismatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StateMismatchException(String message) {
        super(message);
    }
}
