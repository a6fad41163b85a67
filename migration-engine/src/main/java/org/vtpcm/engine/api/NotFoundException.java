package org.vtpcm.engine.api;

/** The named thing does not exist (404). */
public final class NotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message);
    }
}
