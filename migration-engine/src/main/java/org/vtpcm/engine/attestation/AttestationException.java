package org.vtpcm.engine.attestation;

/** A host's platform could not be attested or trusted. */
public final class AttestationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AttestationException(String message) {
        super(message);
    }
}
