package org.vtpcm.manager.association;

/** No such vTPCM (or VM) on this node. */
public final class UnknownVtpcmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnknownVtpcmException(String message) {
        super(message);
    }
}
