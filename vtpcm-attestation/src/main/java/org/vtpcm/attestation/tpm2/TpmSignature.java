package org.vtpcm.attestation.tpm2;

import static org.vtpcm.attestation.tpm2.TpmAlgorithms.TPM_ALG_ECDSA;
import static org.vtpcm.attestation.tpm2.TpmAlgorithms.TPM_ALG_RSASSA;
import static org.vtpcm.attestation.tpm2.TpmAlgorithms.TPM_ALG_SHA256;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;

/**
 * A parsed TPMT_SIGNATURE (TPM 2.0 Part 2, §11.3.4) of the two schemes attestation keys use here:
 * ECDSA (P-256) and RSASSA-PKCS1-v1_5, both with SHA-256.
 */
public final class TpmSignature {
    private static final int P256_FIELD_BYTES = 32;

    private final int sigAlg;
    private final int hashAlg;
    private final byte[] rsaSignature;
    private final byte[] ecdsaR;
    private final byte[] ecdsaS;

    private TpmSignature(byte[] encoded) {
        TpmReader in = new TpmReader(encoded);
        sigAlg = in.u16();
        if (sigAlg == TPM_ALG_ECDSA) {
            hashAlg = in.u16();
            ecdsaR = in.sized();
            ecdsaS = in.sized();
            rsaSignature = new byte[0];
        } else if (sigAlg == TPM_ALG_RSASSA) {
            hashAlg = in.u16();
            rsaSignature = in.sized();
            ecdsaR = new byte[0];
            ecdsaS = new byte[0];
        } else {
            throw new TpmFormatException("unsupported signature scheme " + TpmAlgorithms.hex(sigAlg));
        }
        in.expectEnd("TPMT_SIGNATURE");
        if (hashAlg != TPM_ALG_SHA256) {
            throw new TpmFormatException("unsupported signature hash " + TpmAlgorithms.hex(hashAlg));
        }
    }

    /** Parses a marshalled TPMT_SIGNATURE; throws {@link TpmFormatException} when malformed or unsupported. */
    public static TpmSignature parse(byte[] tpmtSignature) {
        return new TpmSignature(tpmtSignature);
    }

    public int sigAlg() {
        return sigAlg;
    }

    public int hashAlg() {
        return hashAlg;
    }

    /** True only when the scheme fits the key type and the signature over {@code signed} verifies. */
    public boolean verify(PublicKey key, byte[] signed) {
        try {
            if (sigAlg == TPM_ALG_ECDSA && key instanceof ECPublicKey) {
                byte[] p1363 = new byte[2 * P256_FIELD_BYTES];
                if (!fixedWidth(ecdsaR, p1363, 0) || !fixedWidth(ecdsaS, p1363, P256_FIELD_BYTES)) {
                    return false;
                }
                Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
                verifier.initVerify(key);
                verifier.update(signed);
                return verifier.verify(p1363);
            }
            if (sigAlg == TPM_ALG_RSASSA && key instanceof RSAPublicKey) {
                Signature verifier = Signature.getInstance("SHA256withRSA");
                verifier.initVerify(key);
                verifier.update(signed);
                return verifier.verify(rsaSignature);
            }
            return false;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** Left-pads an unsigned big-endian integer into a fixed-width slot; false when it does not fit. */
    private static boolean fixedWidth(byte[] value, byte[] target, int offset) {
        byte[] magnitude = new BigInteger(1, value).toByteArray();
        int start = magnitude.length > 1 && magnitude[0] == 0 ? 1 : 0;
        int length = magnitude.length - start;
        if (length > P256_FIELD_BYTES) {
            return false;
        }
        System.arraycopy(magnitude, start, target, offset + P256_FIELD_BYTES - length, length);
        return true;
    }
}
