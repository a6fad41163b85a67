package org.vtpcm.nova;

/** The compute API does not offer the microversion vtpcm needs (see {@link ComputeApiVersion#REQUIRED}). */
public final class NovaTooOldException extends NovaException {
    private static final long serialVersionUID = 1L;

    public NovaTooOldException(String message) {
        super(message);
    }
}
