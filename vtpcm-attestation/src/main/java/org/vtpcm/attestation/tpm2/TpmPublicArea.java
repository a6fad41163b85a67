package org.vtpcm.attestation.tpm2;

import static org.vtpcm.attestation.tpm2.TpmAlgorithms.TPM_ALG_ECC;
import static org.vtpcm.attestation.tpm2.TpmAlgorithms.TPM_ALG_ECDAA;
import static org.vtpcm.attestation.tpm2.TpmAlgorithms.TPM_ALG_NULL;
import static org.vtpcm.attestation.tpm2.TpmAlgorithms.TPM_ALG_RSA;
import static org.vtpcm.attestation.tpm2.TpmAlgorithms.TPM_ALG_RSAES;
import static org.vtpcm.attestation.tpm2.TpmAlgorithms.TPM_ECC_NIST_P256;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;

/**
 * A parsed TPMT_PUBLIC of an RSA or ECC key (TPM 2.0 Part 2, §12.2.4), with the checks and
 * conversions a verifier needs: the TPM name, the attributes and a JCA {@link PublicKey}.
 * Pure JDK, so controllers can use it without a TPM or TSS.
 */
public final class TpmPublicArea {
    public static final int ATTR_FIXED_TPM = 1 << 1;
    public static final int ATTR_FIXED_PARENT = 1 << 4;
    public static final int ATTR_SENSITIVE_DATA_ORIGIN = 1 << 5;
    public static final int ATTR_USER_WITH_AUTH = 1 << 6;
    public static final int ATTR_ADMIN_WITH_POLICY = 1 << 7;
    public static final int ATTR_RESTRICTED = 1 << 16;
    public static final int ATTR_DECRYPT = 1 << 17;
    public static final int ATTR_SIGN = 1 << 18;

    private final byte[] encoded;
    private final int type;
    private final int nameAlg;
    private final int attributes;
    private final byte[] authPolicy;
    private final int symmetricAlg;
    private final int symmetricKeyBits;
    private final int symmetricMode;
    private final int scheme;
    private final int schemeHash;
    private final int rsaKeyBits;
    private final long rsaExponent;
    private final int eccCurve;
    private final byte[] rsaModulus;
    private final byte[] eccX;
    private final byte[] eccY;

    private TpmPublicArea(byte[] encoded) {
        this.encoded = encoded.clone();
        TpmReader in = new TpmReader(encoded);
        type = in.u16();
        nameAlg = in.u16();
        attributes = (int) in.u32();
        authPolicy = in.sized();
        if (type != TPM_ALG_RSA && type != TPM_ALG_ECC) {
            throw new TpmFormatException("unsupported public key type " + TpmAlgorithms.hex(type));
        }
        symmetricAlg = in.u16();
        if (symmetricAlg != TPM_ALG_NULL) {
            symmetricKeyBits = in.u16();
            symmetricMode = in.u16();
        } else {
            symmetricKeyBits = 0;
            symmetricMode = TPM_ALG_NULL;
        }
        scheme = in.u16();
        // RSAES has no details; every other non-null scheme starts with a hash algorithm.
        schemeHash = (scheme == TPM_ALG_NULL || scheme == TPM_ALG_RSAES) ? TPM_ALG_NULL : in.u16();
        if (scheme == TPM_ALG_ECDAA) {
            in.u16(); // ECDAA count
        }
        if (type == TPM_ALG_RSA) {
            rsaKeyBits = in.u16();
            rsaExponent = in.u32();
            eccCurve = 0;
            rsaModulus = in.sized();
            eccX = new byte[0];
            eccY = new byte[0];
        } else {
            rsaKeyBits = 0;
            rsaExponent = 0;
            eccCurve = in.u16();
            int kdf = in.u16();
            if (kdf != TPM_ALG_NULL) {
                in.u16(); // kdf hash
            }
            rsaModulus = new byte[0];
            eccX = in.sized();
            eccY = in.sized();
        }
        in.expectEnd("TPMT_PUBLIC");
    }

    /** Parses a marshalled TPMT_PUBLIC; throws {@link TpmFormatException} when it is malformed or not RSA/ECC. */
    public static TpmPublicArea parse(byte[] tpmtPublic) {
        return new TpmPublicArea(tpmtPublic);
    }

    public byte[] encoded() {
        return encoded.clone();
    }

    public int type() {
        return type;
    }

    public boolean isRsa() {
        return type == TPM_ALG_RSA;
    }

    public boolean isEcc() {
        return type == TPM_ALG_ECC;
    }

    public int nameAlg() {
        return nameAlg;
    }

    public int attributes() {
        return attributes;
    }

    public boolean hasAttributes(int mask) {
        return (attributes & mask) == mask;
    }

    public byte[] authPolicy() {
        return authPolicy.clone();
    }

    public int symmetricAlg() {
        return symmetricAlg;
    }

    public int symmetricKeyBits() {
        return symmetricKeyBits;
    }

    public int symmetricMode() {
        return symmetricMode;
    }

    public int scheme() {
        return scheme;
    }

    public int schemeHash() {
        return schemeHash;
    }

    public int rsaKeyBits() {
        return rsaKeyBits;
    }

    public int eccCurve() {
        return eccCurve;
    }

    public byte[] rsaModulus() {
        return rsaModulus.clone();
    }

    /** A key the TPM only uses to sign structures it produced itself (what an AK must be). */
    public boolean isRestrictedSigningKey() {
        return hasAttributes(ATTR_FIXED_TPM | ATTR_FIXED_PARENT | ATTR_SENSITIVE_DATA_ORIGIN | ATTR_RESTRICTED
                | ATTR_SIGN) && !hasAttributes(ATTR_DECRYPT);
    }

    /** A restricted decryption key created inside the TPM (what an EK must be). */
    public boolean isRestrictedDecryptionKey() {
        return hasAttributes(ATTR_FIXED_TPM | ATTR_FIXED_PARENT | ATTR_SENSITIVE_DATA_ORIGIN | ATTR_RESTRICTED
                | ATTR_DECRYPT) && !hasAttributes(ATTR_SIGN);
    }

    /** The TPM name of the object: nameAlg || H_nameAlg(TPMT_PUBLIC). */
    public byte[] name() {
        String digestName = TpmAlgorithms.jcaDigestName(nameAlg);
        if (digestName == null) {
            throw new TpmFormatException("unsupported name algorithm " + TpmAlgorithms.hex(nameAlg));
        }
        try {
            byte[] digest = MessageDigest.getInstance(digestName).digest(encoded);
            byte[] name = new byte[2 + digest.length];
            name[0] = (byte) (nameAlg >>> 8);
            name[1] = (byte) nameAlg;
            System.arraycopy(digest, 0, name, 2, digest.length);
            return name;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + digestName, e);
        }
    }

    /** The key as a JCA public key (RSA of any size, ECC on NIST P-256 only). */
    public PublicKey toPublicKey() {
        try {
            if (isRsa()) {
                if (rsaModulus.length == 0) {
                    throw new TpmFormatException("RSA public area has an empty modulus");
                }
                BigInteger exponent = BigInteger.valueOf(rsaExponent == 0 ? 65537 : rsaExponent);
                return KeyFactory.getInstance("RSA")
                        .generatePublic(new RSAPublicKeySpec(new BigInteger(1, rsaModulus), exponent));
            }
            if (eccCurve != TPM_ECC_NIST_P256) {
                throw new TpmFormatException("unsupported ECC curve " + TpmAlgorithms.hex(eccCurve));
            }
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
            ECPoint point = new ECPoint(new BigInteger(1, eccX), new BigInteger(1, eccY));
            return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, spec));
        } catch (GeneralSecurityException e) {
            throw new TpmFormatException("public area does not hold a valid key: " + e.getMessage());
        }
    }
}
