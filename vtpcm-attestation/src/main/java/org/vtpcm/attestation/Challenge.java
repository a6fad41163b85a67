package org.vtpcm.attestation;

import java.util.Arrays;
import java.util.Objects;

/**
 * The output of TPM2_MakeCredential, sent by a controller to a node.
 *
 * @param credentialBlob  marshalled TPMS_ID_OBJECT (integrityHMAC as TPM2B || encIdentity), i.e. the
 *                        contents of a TPM2B_ID_OBJECT without its outer size
 * @param encryptedSecret the seed encrypted to the EK, i.e. the contents of a TPM2B_ENCRYPTED_SECRET
 */
public record Challenge(byte[] credentialBlob, byte[] encryptedSecret) {
    public Challenge {
        credentialBlob = Objects.requireNonNull(credentialBlob, "credentialBlob").clone();
        encryptedSecret = Objects.requireNonNull(encryptedSecret, "encryptedSecret").clone();
    }

    @Override
    public byte[] credentialBlob() {
        return credentialBlob.clone();
    }

    @Override
    public byte[] encryptedSecret() {
        return encryptedSecret.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Challenge that && Arrays.equals(credentialBlob, that.credentialBlob)
                && Arrays.equals(encryptedSecret, that.encryptedSecret);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(credentialBlob);
    }

    @Override
    public String toString() {
        return "Challenge[credentialBlob=" + credentialBlob.length + " bytes, encryptedSecret="
                + encryptedSecret.length + " bytes]";
    }
}
