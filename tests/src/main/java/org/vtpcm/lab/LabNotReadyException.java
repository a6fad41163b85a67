package org.vtpcm.lab;

/** The lab is not up, or not in the shape a caller needs; the message says what to run. */
public final class LabNotReadyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LabNotReadyException(String message) {
        super(message);
    }
}
