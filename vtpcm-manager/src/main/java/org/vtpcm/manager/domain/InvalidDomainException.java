package org.vtpcm.manager.domain;

/** A domain definition we cannot accept; the message says why. */
public final class InvalidDomainException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidDomainException(String message) {
        super(message);
    }
}
