package org.vtpcm.attestation;

import java.util.Map;

/**
 * The node's platform root of trust: a TPM 2.0 with a persistent endorsement key (EK) and
 * attestation key (AK), used for measured start, quotes and credential activation.
 * The PCR bank is SHA-256. Implementations: {@link EmulatedPlatformTpm} (a swtpm process owned by
 * the vTPCM manager, no hardware root of trust) and {@link DeviceTpm} (the host's /dev/tpmrm0).
 * Implementations are thread-safe.
 */
public interface PlatformTpm extends AutoCloseable {
    /** Human-readable kind of root of trust; an emulated TPM always says so. */
    String description();

    /** The EK public area as marshalled TPMT_PUBLIC (RSA-2048, TCG EK template L-1). */
    byte[] endorsementKeyPublic();

    /** The AK; the same key across restarts of the manager. */
    AttestationKey attestationKey();

    /** Extends a SHA-256 digest into PCR {@code pcr} (0..23) of the SHA-256 bank. */
    void extend(int pcr, byte[] sha256Digest);

    /** Reads SHA-256 PCR values, keyed by PCR index in ascending order. */
    Map<Integer, byte[]> readPcrs(int... pcrs);

    /** Quotes the given SHA-256 PCRs with the AK, binding {@code nonce} (1..64 bytes) as extraData. */
    Quote quote(byte[] nonce, int... pcrs);

    /**
     * TPM2_ActivateCredential with the AK as the activated object and the EK as the decryption key.
     *
     * @return the secret the controller put in the credential
     * @throws PlatformTpmException when the credential was not made for this EK and AK
     */
    byte[] activateCredential(byte[] credentialBlob, byte[] encryptedSecret);

    @Override
    void close();
}
