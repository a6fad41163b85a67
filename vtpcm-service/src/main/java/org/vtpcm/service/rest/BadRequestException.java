package org.vtpcm.service.rest;

/** The request is malformed or a value in it is invalid: 400 {@code BAD_REQUEST}. */
public final class BadRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadRequestException(String message) {
        super(message);
    }
}
