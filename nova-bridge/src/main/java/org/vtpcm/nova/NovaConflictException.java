package org.vtpcm.nova;

/** HTTP 409: the server is in a state that forbids the action (e.g. already migrating, or migration not running). */
public final class NovaConflictException extends NovaApiException {
    private static final long serialVersionUID = 1L;

    public NovaConflictException(String novaMessage, String request) {
        super(409, novaMessage, request);
    }
}
