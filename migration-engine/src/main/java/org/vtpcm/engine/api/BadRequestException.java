package org.vtpcm.engine.api;

/** The request is malformed or a value is invalid (400). */
public final class BadRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadRequestException(String message) {
        super(message);
    }
}
