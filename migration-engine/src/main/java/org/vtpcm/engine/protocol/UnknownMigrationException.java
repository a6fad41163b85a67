package org.vtpcm.engine.protocol;

/** No migration has that id. */
public final class UnknownMigrationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnknownMigrationException(String message) {
        super(message);
    }
}
