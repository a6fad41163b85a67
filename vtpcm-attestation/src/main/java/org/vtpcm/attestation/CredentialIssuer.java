package org.vtpcm.attestation;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import org.vtpcm.attestation.tpm2.Kdfa;
import org.vtpcm.attestation.tpm2.TpmAlgorithms;
import org.vtpcm.attestation.tpm2.TpmFormatException;
import org.vtpcm.attestation.tpm2.TpmPublicArea;

/**
 * Controller side of credential activation: TPM2_MakeCredential in software (TPM 2.0 Part 1, §24),
 * so only a TPM holding both the EK's private key and an object with the given name (the AK) can
 * recover the secret. Supports RSA EKs (OAEP-SHA256, label "IDENTITY") with AES-CFB symmetric
 * parameters and SHA-256 name algorithm; needs no TPM.
 */
public final class CredentialIssuer {
    private static final int SEED_BYTES = 32;
    private static final int MAX_SECRET_BYTES = 32;
    private static final byte[] IDENTITY_LABEL = "IDENTITY\0".getBytes(StandardCharsets.US_ASCII);

    private final SecureRandom random;

    public CredentialIssuer() {
        this(new SecureRandom());
    }

    public CredentialIssuer(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * @param ekPublicArea marshalled TPMT_PUBLIC of the node's EK
     * @param akName       TPM name of the AK (0x000b || SHA-256 of its TPMT_PUBLIC)
     * @param secret       1..32 bytes that only the genuine node will recover
     * @throws IllegalArgumentException when an input is malformed or the EK is not supported
     */
    public Challenge makeCredential(byte[] ekPublicArea, byte[] akName, byte[] secret) {
        Objects.requireNonNull(ekPublicArea, "ekPublicArea");
        Objects.requireNonNull(akName, "akName");
        Objects.requireNonNull(secret, "secret");
        if (secret.length == 0 || secret.length > MAX_SECRET_BYTES) {
            throw new IllegalArgumentException("secret must be 1.." + MAX_SECRET_BYTES + " bytes");
        }
        if (akName.length != 34 || akName[0] != 0 || akName[1] != TpmAlgorithms.TPM_ALG_SHA256) {
            throw new IllegalArgumentException("AK name must be 0x000b followed by a SHA-256 digest");
        }
        TpmPublicArea ek = parseEk(ekPublicArea);
        try {
            byte[] seed = new byte[SEED_BYTES];
            random.nextBytes(seed);
            byte[] encryptedSeed = encryptSeed(ek, seed);

            // encIdentity = AES-CFB(KDFa(seed, "STORAGE", name), TPM2B(secret)), IV zero.
            byte[] symmetricKey = Kdfa.sha256(seed, "STORAGE", akName, new byte[0], ek.symmetricKeyBits());
            Cipher aes = Cipher.getInstance("AES/CFB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(symmetricKey, "AES"), new IvParameterSpec(new byte[16]));
            byte[] encIdentity = aes.doFinal(sized(secret));

            // integrityHMAC = HMAC(KDFa(seed, "INTEGRITY"), encIdentity || name).
            byte[] hmacKey = Kdfa.sha256(seed, "INTEGRITY", new byte[0], new byte[0], 256);
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(hmacKey, "HmacSHA256"));
            hmac.update(encIdentity);
            byte[] integrity = hmac.doFinal(akName);

            ByteArrayOutputStream blob = new ByteArrayOutputStream();
            blob.writeBytes(sized(integrity));
            blob.writeBytes(encIdentity);
            return new Challenge(blob.toByteArray(), encryptedSeed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK crypto failed while making a credential", e);
        }
    }

    private static TpmPublicArea parseEk(byte[] ekPublicArea) {
        TpmPublicArea ek;
        try {
            ek = TpmPublicArea.parse(ekPublicArea);
        } catch (TpmFormatException e) {
            throw new IllegalArgumentException("malformed EK public area: " + e.getMessage(), e);
        }
        if (!ek.isRsa()) {
            throw new IllegalArgumentException("only RSA endorsement keys are supported");
        }
        if (!ek.isRestrictedDecryptionKey()) {
            throw new IllegalArgumentException("the EK is not a restricted decryption key");
        }
        if (ek.nameAlg() != TpmAlgorithms.TPM_ALG_SHA256) {
            throw new IllegalArgumentException("only EKs with SHA-256 name algorithm are supported");
        }
        if (ek.symmetricAlg() != TpmAlgorithms.TPM_ALG_AES || ek.symmetricMode() != TpmAlgorithms.TPM_ALG_CFB
                || (ek.symmetricKeyBits() != 128 && ek.symmetricKeyBits() != 256)) {
            throw new IllegalArgumentException("the EK's symmetric parameters are not AES-128/256-CFB");
        }
        return ek;
    }

    private static byte[] encryptSeed(TpmPublicArea ek, byte[] seed) throws GeneralSecurityException {
        Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
        OAEPParameterSpec parameters = new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                new PSource.PSpecified(IDENTITY_LABEL));
        try {
            oaep.init(Cipher.ENCRYPT_MODE, ek.toPublicKey(), parameters);
        } catch (TpmFormatException e) {
            throw new IllegalArgumentException("the EK public area does not hold a usable RSA key", e);
        }
        return oaep.doFinal(seed);
    }

    private static byte[] sized(byte[] data) {
        byte[] out = new byte[2 + data.length];
        out[0] = (byte) (data.length >>> 8);
        out[1] = (byte) data.length;
        System.arraycopy(data, 0, out, 2, data.length);
        return out;
    }
}
