package org.vtpcm.nova;

/** Base of every failure nova-bridge reports; callers may catch the subclasses they can act on. */
public class NovaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NovaException(String message) {
        super(message);
    }

    public NovaException(String message, Throwable cause) {
        super(message, cause);
    }
}
