package org.vtpcm.nova;

/** Keystone refused the credentials, or Nova refused a fresh token (HTTP 401). */
public final class NovaAuthException extends NovaException {
    private static final long serialVersionUID = 1L;

    public NovaAuthException(String message) {
        super(message);
    }
}
