package org.vtpcm.attestation;

import java.security.SecureRandom;
import tss.Tpm;
import tss.tpm.StartAuthSessionResponse;
import tss.tpm.TPMT_SYM_DEF;
import tss.tpm.TPM_ALG_ID;
import tss.tpm.TPM_HANDLE;
import tss.tpm.TPM_SE;

/**
 * A policy session satisfying the standard EK policy, PolicySecret(TPM_RH_ENDORSEMENT): the EK has
 * no userWithAuth, so every use of it (as parent or for ActivateCredential) needs one.
 * Sessions are consumed by use, so take a fresh one per command; close() flushes it.
 */
final class EkPolicySession implements AutoCloseable {
    private final Tpm tpm;
    private final TPM_HANDLE handle;

    private EkPolicySession(Tpm tpm, TPM_HANDLE handle) {
        this.tpm = tpm;
        this.handle = handle;
    }

    static EkPolicySession start(Tpm tpm, SecureRandom random) {
        byte[] nonceCaller = new byte[32];
        random.nextBytes(nonceCaller);
        StartAuthSessionResponse session = tpm.StartAuthSession(TPM_HANDLE.NULL, TPM_HANDLE.NULL, nonceCaller,
                new byte[0], TPM_SE.POLICY, new TPMT_SYM_DEF(), TPM_ALG_ID.SHA256);
        EkPolicySession result = new EkPolicySession(tpm, session.handle);
        try {
            tpm.PolicySecret(tpm._EndorsementHandle, session.handle, new byte[0], new byte[0], new byte[0], 0);
            return result;
        } catch (RuntimeException e) {
            result.close();
            throw e;
        }
    }

    TPM_HANDLE handle() {
        return handle;
    }

    @Override
    public void close() {
        // A session that a failed command already ended is gone; ignore that.
        tpm._allowErrors().FlushContext(handle);
    }
}
