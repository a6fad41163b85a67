package org.vtpcm.attestation;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.vtpcm.attestation.tpm2.TpmFormatException;
import org.vtpcm.attestation.tpm2.TpmQuoteAttest;
import org.vtpcm.attestation.tpm2.TpmReader;
import tss.Tpm;
import tss.TpmDevice;
import tss.TpmException;
import tss.tpm.PCR_ReadResponse;
import tss.tpm.QuoteResponse;
import tss.tpm.TPMS_ID_OBJECT;
import tss.tpm.TPMS_NULL_SIG_SCHEME;
import tss.tpm.TPMS_PCR_SELECTION;
import tss.tpm.TPMT_HA;
import tss.tpm.TPMT_SIGNATURE;
import tss.tpm.TPM_ALG_ID;
import tss.tpm.TPM_HANDLE;
import tss.tpm.TPM_RC;

/**
 * The PlatformTpm operations on any TPM 2.0 reached through TSS.Java; shared by the emulated and
 * the device TPM, which differ only in transport and lifecycle. Calls are serialized because a
 * TSS.Java Tpm object and its transport are not thread-safe.
 */
final class TssPlatform {
    private static final int PCR_COUNT = 24;
    private static final int MAX_NONCE_BYTES = 64;
    private static final int QUOTE_ATTEMPTS = 3;

    private final Tpm tpm;
    private final TpmDevice device;
    private final SecureRandom random = new SecureRandom();
    private final PersistentKeys keys;
    /** True for the manager's own emulated TPM; a device TPM's start-up, shutdown and lockout belong to the host. */
    private final boolean ownsTpm;

    private TssPlatform(TpmDevice device, boolean ownsTpm) {
        this.device = device;
        this.ownsTpm = ownsTpm;
        this.tpm = new Tpm();
        tpm._setDevice(device);
        this.keys = call("provisioning the EK and AK", () -> PersistentKeys.ensure(tpm, random));
        if (ownsTpm) {
            clearDictionaryAttackLockout();
        }
    }

    /**
     * A platform TPM that was not shut down orderly (the manager was killed) counts that as a
     * failed authorization; enough of them lock DA-protected keys out. The manager owns the TPM and
     * its (empty) lockout authorization, so it clears the counter at every start.
     */
    private void clearDictionaryAttackLockout() {
        try {
            tpm.DictionaryAttackLockReset(TPM_HANDLE.from(tss.tpm.TPM_RH.LOCKOUT));
        } catch (TpmException e) {
            org.slf4j.LoggerFactory.getLogger(TssPlatform.class).warn("could not reset the TPM's dictionary-attack counter: {}",
                    e.getMessage());
        }
    }

    /**
     * Takes ownership of the device: it is closed when opening fails or on {@link #close()}.
     *
     * @param ownsTpm whether this process owns the whole TPM (the emulated one): then it shuts it
     *     down orderly on close and clears dictionary-attack lockout at start
     */
    static TssPlatform open(TpmDevice device, boolean ownsTpm) {
        try {
            return new TssPlatform(device, ownsTpm);
        } catch (RuntimeException e) {
            device.close();
            throw e;
        }
    }

    byte[] endorsementKeyPublic() {
        return keys.endorsementKeyPublic();
    }

    AttestationKey attestationKey() {
        return keys.attestationKey();
    }

    synchronized void extend(int pcr, byte[] sha256Digest) {
        checkPcr(pcr);
        if (sha256Digest == null || sha256Digest.length != 32) {
            throw new IllegalArgumentException("a SHA-256 digest of 32 bytes is required");
        }
        call("extending PCR " + pcr, () -> {
            tpm.PCR_Extend(TPM_HANDLE.pcr(pcr), new TPMT_HA[] {new TPMT_HA(TPM_ALG_ID.SHA256, sha256Digest.clone())});
            return null;
        });
    }

    synchronized Map<Integer, byte[]> readPcrs(int... pcrs) {
        SortedSet<Integer> wanted = pcrSet(pcrs);
        return call("reading PCRs " + wanted, () -> readLocked(wanted));
    }

    synchronized Quote quote(byte[] nonce, int... pcrs) {
        if (nonce == null || nonce.length == 0 || nonce.length > MAX_NONCE_BYTES) {
            throw new IllegalArgumentException("the nonce must be 1.." + MAX_NONCE_BYTES + " bytes");
        }
        SortedSet<Integer> wanted = pcrSet(pcrs);
        TPMS_PCR_SELECTION[] selection = {new TPMS_PCR_SELECTION(TPM_ALG_ID.SHA256, bitmap(wanted))};
        TPM_HANDLE ak = new TPM_HANDLE(PersistentKeys.AK_HANDLE);
        return call("quoting PCRs " + wanted, () -> {
            // Another TPM user (possible on a device TPM) may extend between the read and the
            // quote; retry until the values we report are the ones the TPM signed.
            for (int attempt = 0; attempt < QUOTE_ATTEMPTS; attempt++) {
                SortedMap<Integer, byte[]> values = readLocked(wanted);
                QuoteResponse response = tpm.Quote(ak, nonce.clone(), new TPMS_NULL_SIG_SCHEME(), selection);
                byte[] attest = response.quoted.toBytes();
                if (MessageDigest.isEqual(TpmQuoteAttest.parse(attest).pcrDigest(), digestOf(values))) {
                    return new Quote(attest, new TPMT_SIGNATURE(response.signature).toBytes(), values);
                }
            }
            throw new PlatformTpmException("PCRs kept changing while quoting");
        });
    }

    synchronized byte[] activateCredential(byte[] credentialBlob, byte[] encryptedSecret) {
        TPMS_ID_OBJECT credential;
        try {
            TpmReader in = new TpmReader(credentialBlob);
            byte[] integrityHmac = in.sized();
            credential = new TPMS_ID_OBJECT(integrityHmac, in.rest());
        } catch (TpmFormatException e) {
            throw new PlatformTpmException("malformed credential blob: " + e.getMessage(), e);
        }
        if (encryptedSecret == null) {
            throw new PlatformTpmException("missing encrypted secret");
        }
        return call("activating a credential", () -> {
            try (EkPolicySession session = EkPolicySession.start(tpm, random)) {
                // Session 1 authorizes the AK (admin role, empty password), session 2 the EK (policy).
                byte[] secret = tpm._allowErrors()
                        ._withSessions(TPM_HANDLE.pwSession(new byte[0]), session.handle())
                        .ActivateCredential(new TPM_HANDLE(PersistentKeys.AK_HANDLE),
                                new TPM_HANDLE(PersistentKeys.EK_HANDLE), credential, encryptedSecret.clone());
                TPM_RC rc = tpm._getLastResponseCode();
                if (rc != TPM_RC.SUCCESS) {
                    throw new PlatformTpmException("credential activation refused by the TPM (" + rc
                            + "): the credential was not made for this node's EK and AK");
                }
                return secret;
            }
        });
    }

    /** Orderly TPM2_Shutdown first, so the next start is not counted as an attack; then the transport. */
    synchronized void close() {
        if (ownsTpm) {
            try {
                tpm.Shutdown(tss.tpm.TPM_SU.CLEAR);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(TssPlatform.class).debug("TPM2_Shutdown failed: {}", e.getMessage());
            }
        }
        device.close();
    }

    private SortedMap<Integer, byte[]> readLocked(SortedSet<Integer> wanted) {
        SortedMap<Integer, byte[]> values = new TreeMap<>();
        SortedSet<Integer> remaining = new TreeSet<>(wanted);
        // PCR_Read returns at most 8 digests per call; ask again for the rest.
        while (!remaining.isEmpty()) {
            PCR_ReadResponse response = tpm.PCR_Read(
                    new TPMS_PCR_SELECTION[] {new TPMS_PCR_SELECTION(TPM_ALG_ID.SHA256, bitmap(remaining))});
            int next = 0;
            for (TPMS_PCR_SELECTION selected : response.pcrSelectionOut) {
                for (int pcr = 0; pcr < selected.pcrSelect.length * 8; pcr++) {
                    if ((selected.pcrSelect[pcr / 8] & (1 << (pcr % 8))) != 0 && next < response.pcrValues.length) {
                        values.put(pcr, response.pcrValues[next++].buffer);
                        remaining.remove(pcr);
                    }
                }
            }
            if (next == 0) {
                throw new PlatformTpmException("the TPM returned no SHA-256 PCR values for " + remaining);
            }
        }
        return values;
    }

    private <T> T call(String what, TpmCall<T> call) {
        try {
            return call.run();
        } catch (TpmException e) {
            throw new PlatformTpmException(what + " failed: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface TpmCall<T> {
        T run();
    }

    private static SortedSet<Integer> pcrSet(int... pcrs) {
        if (pcrs == null || pcrs.length == 0) {
            throw new IllegalArgumentException("at least one PCR is required");
        }
        SortedSet<Integer> set = new TreeSet<>();
        for (int pcr : pcrs) {
            checkPcr(pcr);
            set.add(pcr);
        }
        return set;
    }

    private static void checkPcr(int pcr) {
        if (pcr < 0 || pcr >= PCR_COUNT) {
            throw new IllegalArgumentException("PCR index must be 0..23, was " + pcr);
        }
    }

    private static byte[] bitmap(SortedSet<Integer> pcrs) {
        byte[] bitmap = new byte[PCR_COUNT / 8];
        for (int pcr : pcrs) {
            bitmap[pcr / 8] |= (byte) (1 << (pcr % 8));
        }
        return bitmap;
    }

    private static byte[] digestOf(SortedMap<Integer, byte[]> values) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            values.values().forEach(sha256::update);
            return sha256.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks SHA-256", e);
        }
    }
}
