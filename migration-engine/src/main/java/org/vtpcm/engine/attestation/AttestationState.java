package org.vtpcm.engine.attestation;

/** What the engine knows of a host's platform. */
public enum AttestationState {
    /** Its quote verified against the reference values. */
    TRUSTED,
    /** It answered, but its quote or certificate failed a check. */
    UNTRUSTED,
    /** Its manager could not be reached. */
    UNREACHABLE,
    /** Not attested since the engine started. */
    UNKNOWN
}
