package org.vtpcm.collector.interposer;

/** The node interposer could not be reached, did not answer in time, or refused a command (its error is the message). */
public final class InterposerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InterposerException(String message) {
        super(message);
    }

    public InterposerException(String message, Throwable cause) {
        super(message, cause);
    }
}
