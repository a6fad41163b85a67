package org.vtpcm.engine.protocol;

/** A phase refused to go on before the switchover; the migration rolls back with this reason. */
public final class ProtocolRefusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProtocolRefusal(String message) {
        super(message);
    }
}
