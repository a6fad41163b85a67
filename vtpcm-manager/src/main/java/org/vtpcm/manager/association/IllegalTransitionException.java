package org.vtpcm.manager.association;

/** A state change the vTPCM life cycle does not allow, or one that lost a race. */
public final class IllegalTransitionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IllegalTransitionException(String message) {
        super(message);
    }
}
