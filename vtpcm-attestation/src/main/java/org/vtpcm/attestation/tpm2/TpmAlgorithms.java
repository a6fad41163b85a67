package org.vtpcm.attestation.tpm2;

/** TPM 2.0 algorithm identifiers and constants used by this module (TPM 2.0 Part 2). */
public final class TpmAlgorithms {
    public static final int TPM_ALG_RSA = 0x0001;
    public static final int TPM_ALG_SHA1 = 0x0004;
    public static final int TPM_ALG_AES = 0x0006;
    public static final int TPM_ALG_SHA256 = 0x000B;
    public static final int TPM_ALG_SHA384 = 0x000C;
    public static final int TPM_ALG_SHA512 = 0x000D;
    public static final int TPM_ALG_NULL = 0x0010;
    public static final int TPM_ALG_RSASSA = 0x0014;
    public static final int TPM_ALG_RSAES = 0x0015;
    public static final int TPM_ALG_RSAPSS = 0x0016;
    public static final int TPM_ALG_OAEP = 0x0017;
    public static final int TPM_ALG_ECDSA = 0x0018;
    public static final int TPM_ALG_ECDAA = 0x001A;
    public static final int TPM_ALG_ECC = 0x0023;
    public static final int TPM_ALG_CFB = 0x0043;

    public static final int TPM_ECC_NIST_P256 = 0x0003;

    /** TPM_GENERATED_VALUE: the magic of every TPMS_ATTEST the TPM itself produced. */
    public static final long TPM_GENERATED_VALUE = 0xff544347L;
    public static final int TPM_ST_ATTEST_QUOTE = 0x8018;

    private TpmAlgorithms() {
    }

    /** JCA name of a TPM hash algorithm, or null when it is not one this module supports. */
    public static String jcaDigestName(int hashAlg) {
        switch (hashAlg) {
            case TPM_ALG_SHA1:
                return "SHA-1";
            case TPM_ALG_SHA256:
                return "SHA-256";
            case TPM_ALG_SHA384:
                return "SHA-384";
            case TPM_ALG_SHA512:
                return "SHA-512";
            default:
                return null;
        }
    }

    public static String hex(int value) {
        return String.format("0x%04x", value);
    }
}
