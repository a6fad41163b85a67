package org.vtpcm.manager.api;

/** The request itself is malformed (answered with 400). */
public final class BadRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadRequestException(String message) {
        super(message);
    }
}
