package org.vtpcm.engine.hosts;

/** A host name the engine's configuration does not list. */
public final class UnknownHostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnknownHostException(String message) {
        super(message);
    }
}
