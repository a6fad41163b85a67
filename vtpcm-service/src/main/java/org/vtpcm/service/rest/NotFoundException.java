package org.vtpcm.service.rest;

/** The named thing does not exist: 404 {@code NOT_FOUND}. */
public final class NotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message);
    }
}
