package org.vtpcm.attestation.tpm2;

/** A byte array is not a well-formed (or not a supported) TPM 2.0 structure. */
public final class TpmFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TpmFormatException(String message) {
        super(message);
    }
}
