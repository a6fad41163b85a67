package org.vtpcm.manager.migration;

/** A VM migration asked without TLS on a node whose configuration does not allow plaintext (migration.allow-plaintext). */
public final class PlaintextRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PlaintextRefusedException(String message) {
        super(message);
    }
}
