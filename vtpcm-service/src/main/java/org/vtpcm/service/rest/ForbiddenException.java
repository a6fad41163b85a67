package org.vtpcm.service.rest;

/** The caller is authenticated but may not do this: 403 {@code FORBIDDEN}. */
public final class ForbiddenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ForbiddenException(String message) {
        super(message);
    }
}
