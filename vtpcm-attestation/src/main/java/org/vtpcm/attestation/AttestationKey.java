package org.vtpcm.attestation;

import java.security.PublicKey;
import java.util.Arrays;
import java.util.Objects;

/**
 * The node's attestation key (AK): a restricted signing key inside the platform TPM.
 *
 * @param publicArea marshalled TPMT_PUBLIC of the AK
 * @param name       TPM name of the AK: nameAlg (2 bytes) || H_nameAlg(publicArea)
 * @param publicKey  the same key as a JCA public key
 */
public record AttestationKey(byte[] publicArea, byte[] name, PublicKey publicKey) {
    public AttestationKey {
        publicArea = Objects.requireNonNull(publicArea, "publicArea").clone();
        name = Objects.requireNonNull(name, "name").clone();
        Objects.requireNonNull(publicKey, "publicKey");
    }

    @Override
    public byte[] publicArea() {
        return publicArea.clone();
    }

    @Override
    public byte[] name() {
        return name.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AttestationKey that && Arrays.equals(publicArea, that.publicArea)
                && Arrays.equals(name, that.name) && publicKey.equals(that.publicKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(name);
    }

    @Override
    public String toString() {
        return "AttestationKey[name=" + Hex.of(name) + ", algorithm=" + publicKey.getAlgorithm() + "]";
    }
}
