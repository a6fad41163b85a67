package org.vtpcm.engine.attestation;

/** What the protocol asks of attestation: a host's verdict over a migration's nonce, or over a fresh one. */
public interface DestinationAttestation {
    AttestationResult attest(String host, byte[] nonce);

    AttestationResult attest(String host);
}
