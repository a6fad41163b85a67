package org.vtpcm.attestation.enrollment;

/** Enrollment failed; the message says at which step and why. */
public final class EnrollmentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EnrollmentException(String message) {
        super(message);
    }
}
