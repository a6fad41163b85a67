package org.vtpcm.engine.journal;

/** The VM already has an unfinished migration. */
public final class VmAlreadyMigratingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public VmAlreadyMigratingException(String message) {
        super(message);
    }
}
