package org.vtpcm.attestation;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.attestation.tpm2.TpmAlgorithms;
import org.vtpcm.attestation.tpm2.TpmFormatException;
import org.vtpcm.attestation.tpm2.TpmPublicArea;
import tss.Tpm;
import tss.tpm.CreatePrimaryResponse;
import tss.tpm.CreateResponse;
import tss.tpm.ReadPublicResponse;
import tss.tpm.TPM2B_PUBLIC_KEY_RSA;
import tss.tpm.TPMA_OBJECT;
import tss.tpm.TPMS_ECC_PARMS;
import tss.tpm.TPMS_ECC_POINT;
import tss.tpm.TPMS_NULL_ASYM_SCHEME;
import tss.tpm.TPMS_NULL_KDF_SCHEME;
import tss.tpm.TPMS_PCR_SELECTION;
import tss.tpm.TPMS_RSA_PARMS;
import tss.tpm.TPMS_SENSITIVE_CREATE;
import tss.tpm.TPMS_SIG_SCHEME_ECDSA;
import tss.tpm.TPMT_PUBLIC;
import tss.tpm.TPMT_SYM_DEF_OBJECT;
import tss.tpm.TPM_ALG_ID;
import tss.tpm.TPM_ECC_CURVE;
import tss.tpm.TPM_HANDLE;
import tss.tpm.TPM_RC;
import tss.tpm.TPM_RH;

/**
 * Finds or creates the node's EK and AK at persistent handles, so both survive restarts of the
 * manager (for swtpm the handles live in its state directory, for a device TPM in its NV).
 * <ul>
 * <li>EK: RSA-2048, TCG EK Credential Profile template L-1 (low range), persisted at 0x81010001.</li>
 * <li>AK: ECC NIST P-256, ECDSA-SHA256, restricted signing key created under the EK,
 * persisted at 0x81010002.</li>
 * </ul>
 * Assumes the owner and endorsement hierarchies have empty authorization values.
 */
final class PersistentKeys {
    static final int EK_HANDLE = 0x81010001;
    static final int AK_HANDLE = 0x81010002;

    /** PolicySecret(TPM_RH_ENDORSEMENT), the authPolicy of the standard EK templates. */
    private static final byte[] EK_POLICY =
            HexFormat.of().parseHex("837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa");

    private static final Logger LOG = LoggerFactory.getLogger(PersistentKeys.class);

    private final byte[] ekPublic;
    private final AttestationKey attestationKey;

    private PersistentKeys(byte[] ekPublic, AttestationKey attestationKey) {
        this.ekPublic = ekPublic;
        this.attestationKey = attestationKey;
    }

    static PersistentKeys ensure(Tpm tpm, SecureRandom random) {
        TPM_HANDLE ek = new TPM_HANDLE(EK_HANDLE);
        ReadPublicResponse ekPublic = readPublic(tpm, ek);
        if (ekPublic == null) {
            LOG.info("creating the endorsement key and persisting it at 0x{}", Integer.toHexString(EK_HANDLE));
            CreatePrimaryResponse created = tpm.CreatePrimary(TPM_HANDLE.from(TPM_RH.ENDORSEMENT),
                    new TPMS_SENSITIVE_CREATE(), ekTemplate(), new byte[0], new TPMS_PCR_SELECTION[0]);
            persist(tpm, created.handle, ek);
            ekPublic = tpm.ReadPublic(ek);
        }
        byte[] ekBytes = ekPublic.outPublic.toBytes();
        check(ekBytes, true, EK_HANDLE);

        TPM_HANDLE ak = new TPM_HANDLE(AK_HANDLE);
        ReadPublicResponse akPublic = readPublic(tpm, ak);
        if (akPublic == null) {
            LOG.info("creating the attestation key under the EK and persisting it at 0x{}",
                    Integer.toHexString(AK_HANDLE));
            createAttestationKey(tpm, ek, ak, random);
            akPublic = tpm.ReadPublic(ak);
        }
        byte[] akBytes = akPublic.outPublic.toBytes();
        TpmPublicArea akArea = check(akBytes, false, AK_HANDLE);
        return new PersistentKeys(ekBytes, new AttestationKey(akBytes, akPublic.name, akArea.toPublicKey()));
    }

    byte[] endorsementKeyPublic() {
        return ekPublic.clone();
    }

    AttestationKey attestationKey() {
        return attestationKey;
    }

    private static ReadPublicResponse readPublic(Tpm tpm, TPM_HANDLE handle) {
        ReadPublicResponse response = tpm._allowErrors().ReadPublic(handle);
        return tpm._getLastResponseCode() == TPM_RC.SUCCESS ? response : null;
    }

    private static void createAttestationKey(Tpm tpm, TPM_HANDLE ek, TPM_HANDLE persistent, SecureRandom random) {
        CreateResponse created;
        try (EkPolicySession session = EkPolicySession.start(tpm, random)) {
            created = tpm._withSession(session.handle()).Create(ek, new TPMS_SENSITIVE_CREATE(), akTemplate(),
                    new byte[0], new TPMS_PCR_SELECTION[0]);
        }
        TPM_HANDLE loaded;
        try (EkPolicySession session = EkPolicySession.start(tpm, random)) {
            loaded = tpm._withSession(session.handle()).Load(ek, created.outPrivate, created.outPublic);
        }
        persist(tpm, loaded, persistent);
    }

    private static void persist(Tpm tpm, TPM_HANDLE transientHandle, TPM_HANDLE persistent) {
        try {
            tpm.EvictControl(TPM_HANDLE.from(TPM_RH.OWNER), transientHandle, persistent);
        } finally {
            tpm._allowErrors().FlushContext(transientHandle);
        }
    }

    /** Refuses to use a key at our handles that is not what we put there (e.g. left by another tool). */
    private static TpmPublicArea check(byte[] publicArea, boolean endorsement, int handle) {
        String what = endorsement ? "an RSA-2048 endorsement key" : "an ECC P-256 ECDSA-SHA256 attestation key";
        try {
            TpmPublicArea area = TpmPublicArea.parse(publicArea);
            boolean ok = endorsement
                    ? area.isRsa() && area.rsaKeyBits() == 2048 && area.isRestrictedDecryptionKey()
                    && area.symmetricAlg() == TpmAlgorithms.TPM_ALG_AES
                    && area.symmetricMode() == TpmAlgorithms.TPM_ALG_CFB
                    && area.nameAlg() == TpmAlgorithms.TPM_ALG_SHA256
                    : area.isEcc() && area.isRestrictedSigningKey()
                    && area.eccCurve() == TpmAlgorithms.TPM_ECC_NIST_P256
                    && area.scheme() == TpmAlgorithms.TPM_ALG_ECDSA
                    && area.schemeHash() == TpmAlgorithms.TPM_ALG_SHA256
                    && area.nameAlg() == TpmAlgorithms.TPM_ALG_SHA256;
            if (!ok) {
                throw new PlatformTpmException("persistent handle 0x" + Integer.toHexString(handle)
                        + " holds a key that is not " + what);
            }
            return area;
        } catch (TpmFormatException e) {
            throw new PlatformTpmException("persistent handle 0x" + Integer.toHexString(handle)
                    + " holds an unreadable key: " + e.getMessage(), e);
        }
    }

    /** TCG EK Credential Profile, template L-1: RSA-2048, AES-128-CFB, unique = 256 zero bytes. */
    static TPMT_PUBLIC ekTemplate() {
        return new TPMT_PUBLIC(TPM_ALG_ID.SHA256,
                new TPMA_OBJECT(TPMA_OBJECT.fixedTPM, TPMA_OBJECT.fixedParent, TPMA_OBJECT.sensitiveDataOrigin,
                        TPMA_OBJECT.adminWithPolicy, TPMA_OBJECT.restricted, TPMA_OBJECT.decrypt),
                EK_POLICY.clone(),
                new TPMS_RSA_PARMS(new TPMT_SYM_DEF_OBJECT(TPM_ALG_ID.AES, 128, TPM_ALG_ID.CFB),
                        new TPMS_NULL_ASYM_SCHEME(), 2048, 0),
                new TPM2B_PUBLIC_KEY_RSA(new byte[256]));
    }

    static TPMT_PUBLIC akTemplate() {
        return new TPMT_PUBLIC(TPM_ALG_ID.SHA256,
                new TPMA_OBJECT(TPMA_OBJECT.fixedTPM, TPMA_OBJECT.fixedParent, TPMA_OBJECT.sensitiveDataOrigin,
                        // noDA: an unorderly shutdown must never lock the node out of attesting
                        TPMA_OBJECT.userWithAuth, TPMA_OBJECT.noDA, TPMA_OBJECT.restricted, TPMA_OBJECT.sign),
                new byte[0],
                new TPMS_ECC_PARMS(new TPMT_SYM_DEF_OBJECT(TPM_ALG_ID.NULL, 0, TPM_ALG_ID.NULL),
                        new TPMS_SIG_SCHEME_ECDSA(TPM_ALG_ID.SHA256), TPM_ECC_CURVE.NIST_P256,
                        new TPMS_NULL_KDF_SCHEME()),
                new TPMS_ECC_POINT(new byte[0], new byte[0]));
    }
}
