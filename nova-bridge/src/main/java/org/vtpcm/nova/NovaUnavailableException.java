package org.vtpcm.nova;

/** Keystone or Nova could not be reached, timed out, or answered 502/503/504: worth retrying later. */
public final class NovaUnavailableException extends NovaException {
    private static final long serialVersionUID = 1L;

    public NovaUnavailableException(String message) {
        super(message);
    }

    public NovaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
