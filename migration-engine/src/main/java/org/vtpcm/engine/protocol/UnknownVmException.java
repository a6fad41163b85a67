package org.vtpcm.engine.protocol;

/** No node runs a vTPCM for the named VM. */
public final class UnknownVmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnknownVmException(String message) {
        super(message);
    }
}
