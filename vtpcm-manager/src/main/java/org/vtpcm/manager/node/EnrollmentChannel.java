package org.vtpcm.manager.node;

import org.vtpcm.attestation.enrollment.EnrollmentException;

import org.vtpcm.attestation.enrollment.CertifiedNode;

import java.security.PublicKey;
import java.util.List;

/**
 * The node's way to the cloud CA during enrollment: {@link LocalEnrollment} where the CA folder is
 * in reach, {@link EngineEnrollment} through the migration engine's enrollment endpoint. Either way
 * the node sends only public data; failures are {@link EnrollmentException}s.
 */
public interface EnrollmentChannel {
    /** Step 1: a MakeCredential challenge for the node's EK, bound to its AK (both TPMT_PUBLIC, marshalled). */
    CredentialChallenge challenge(String nodeName, byte[] ekPublicArea, byte[] akPublicArea);

    /** Step 2: the secret the TPM recovered and the node's public TLS keys; answers the certificates. */
    CertifiedNode answer(CredentialChallenge challenge, byte[] secret, PublicKey tlsKey, PublicKey migrationTlsKey,
            List<String> ipAddresses);
}
