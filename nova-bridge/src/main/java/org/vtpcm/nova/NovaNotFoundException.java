package org.vtpcm.nova;

/** HTTP 404: no such server, flavor or migration (or the migration already finished). */
public final class NovaNotFoundException extends NovaApiException {
    private static final long serialVersionUID = 1L;

    public NovaNotFoundException(String novaMessage, String request) {
        super(404, novaMessage, request);
    }
}
