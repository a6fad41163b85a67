package org.vtpcm.attestation;

/** The node's platform TPM (emulated or device) is missing, did not start, or failed a command. */
public final class PlatformTpmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PlatformTpmException(String message) {
        super(message);
    }

    public PlatformTpmException(String message, Throwable cause) {
        super(message, cause);
    }
}
