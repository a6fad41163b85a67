package org.vtpcm.manager.api;

/** A designed endpoint whose behaviour is delivered by a later part of the project (answered with 501). */
public final class NotImplementedYetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NotImplementedYetException(String message) {
        super(message);
    }
}
