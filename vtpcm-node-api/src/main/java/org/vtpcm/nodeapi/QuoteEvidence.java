package org.vtpcm.nodeapi;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * What a node answers to a quote request: everything a verifier needs, hex-encoded for JSON.
 *
 * @param node node name
 * @param rootOfTrust what signed it, e.g. "emulated TPM 2.0 (swtpm ...)"
 * @param nonce the verifier's nonce
 * @param attest marshalled TPMS_ATTEST
 * @param signature marshalled TPMT_SIGNATURE
 * @param pcrValues reported SHA-256 PCR values by index
 * @param eventLog what was measured into those PCRs, in order
 * @param akPublicArea the attestation key's TPMT_PUBLIC
 * @param akCertificatePem the AK certificate from enrollment (empty if not enrolled)
 */
public record QuoteEvidence(String node, String rootOfTrust, String nonce, String attest, String signature,
        Map<Integer, String> pcrValues, List<EventView> eventLog, String akPublicArea, String akCertificatePem) {
    public QuoteEvidence {
        requireNonNull(node, "node is null");
        pcrValues = Map.copyOf(pcrValues);
        eventLog = List.copyOf(eventLog);
    }

    /** One event of the platform event log. */
    public record EventView(int pcr, String description, String digest) {
    }
}
