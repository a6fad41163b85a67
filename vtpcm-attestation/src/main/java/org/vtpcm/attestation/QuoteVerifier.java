package org.vtpcm.attestation;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.vtpcm.attestation.tpm2.TpmAlgorithms;
import org.vtpcm.attestation.tpm2.TpmFormatException;
import org.vtpcm.attestation.tpm2.TpmPublicArea;
import org.vtpcm.attestation.tpm2.TpmQuoteAttest;
import org.vtpcm.attestation.tpm2.TpmSignature;

/**
 * Controller side: decides whether a node's quote proves a known-good measured start. Needs no TPM.
 * Every check that fails adds a problem; malformed input of any kind yields an untrusted verdict,
 * never an exception. The caller must already trust the AK (e.g. through credential activation).
 */
public final class QuoteVerifier {
    private static final int SHA256_BYTES = 32;

    /** Verifies with the PCRs the reference values name as the required set. */
    public QuoteVerdict verify(byte[] akPublicArea, byte[] expectedNonce, Quote quote, List<PlatformEvent> eventLog,
            ReferenceValues reference) {
        return verify(akPublicArea, expectedNonce, quote, eventLog, reference, reference == null ? Set.of() : reference.pcrs());
    }

    /**
     * Verifies a quote under a policy: it must cover every PCR of {@code requiredPcrs} (an empty set
     * is refused: it would prove nothing), each required PCR must hold at least one measurement, and
     * every measurement must be a reference value registered for its own PCR.
     */
    public QuoteVerdict verify(byte[] akPublicArea, byte[] expectedNonce, Quote quote, List<PlatformEvent> eventLog,
            ReferenceValues reference, Set<Integer> requiredPcrs) {
        List<String> problems = new ArrayList<>();
        try {
            if (requiredPcrs == null || requiredPcrs.isEmpty()) {
                problems.add("the attestation policy requires no PCR: a quote would prove nothing");
                return QuoteVerdict.of(problems);
            }
            check(akPublicArea, expectedNonce, quote, eventLog, reference, new TreeSet<>(requiredPcrs), problems);
        } catch (RuntimeException e) {
            // Defensive: the checks are written not to throw, but a verdict must never be an exception.
            problems.add("verification failed on malformed input: " + e);
        }
        return QuoteVerdict.of(problems);
    }

    private static void check(byte[] akPublicArea, byte[] expectedNonce, Quote quote, List<PlatformEvent> eventLog,
            ReferenceValues reference, SortedSet<Integer> requiredPcrs, List<String> problems) {
        if (akPublicArea == null || expectedNonce == null || quote == null || eventLog == null || reference == null) {
            problems.add("missing input: AK public area, nonce, quote, event log and reference values are required");
            return;
        }
        byte[] attestBytes = quote.attest();
        checkSignature(akPublicArea, attestBytes, quote.signature(), problems);

        TpmQuoteAttest attest;
        try {
            attest = TpmQuoteAttest.parse(attestBytes);
        } catch (TpmFormatException e) {
            problems.add("quote attest structure is malformed: " + e.getMessage());
            return;
        }
        if (attest.magic() != TpmAlgorithms.TPM_GENERATED_VALUE) {
            problems.add("attest magic is not TPM_GENERATED_VALUE: the TPM did not produce this structure");
        }
        if (attest.type() != TpmAlgorithms.TPM_ST_ATTEST_QUOTE) {
            problems.add("attest type is " + TpmAlgorithms.hex(attest.type()) + ", not TPM_ST_ATTEST_QUOTE");
            return;
        }
        if (!MessageDigest.isEqual(attest.extraData(), expectedNonce)) {
            problems.add("quote nonce (extraData) does not match the expected nonce: the quote is not fresh");
        }
        Map<Integer, byte[]> reported = quote.pcrValues();
        checkPcrDigest(attest, reported, problems);
        checkRequiredPcrs(attest, requiredPcrs, eventLog, problems);
        checkEventLog(eventLog, reported, reference, problems);
    }

    /** The signed selection must include every required PCR, and each of them must hold a measurement. */
    private static void checkRequiredPcrs(TpmQuoteAttest attest, SortedSet<Integer> requiredPcrs, List<PlatformEvent> eventLog,
            List<String> problems) {
        SortedSet<Integer> quoted = new TreeSet<>();
        for (TpmQuoteAttest.PcrSelection selection : attest.pcrSelections()) {
            if (selection.hashAlg() == TpmAlgorithms.TPM_ALG_SHA256) {
                quoted.addAll(selection.pcrs());
            }
        }
        SortedSet<Integer> missing = new TreeSet<>(requiredPcrs);
        missing.removeAll(quoted);
        if (!missing.isEmpty()) {
            problems.add("the quote does not cover required PCR(s) " + missing + " (required " + requiredPcrs + ", quoted " + quoted + ")");
        }
        SortedSet<Integer> unmeasured = new TreeSet<>(requiredPcrs);
        unmeasured.removeAll(missing);
        eventLog.stream().filter(java.util.Objects::nonNull).forEach(event -> unmeasured.remove(event.pcr()));
        if (!unmeasured.isEmpty()) {
            problems.add("required PCR(s) " + unmeasured + " hold no measurement in the event log");
        }
    }

    private static void checkSignature(byte[] akPublicArea, byte[] attest, byte[] signature, List<String> problems) {
        PublicKey key;
        try {
            TpmPublicArea ak = TpmPublicArea.parse(akPublicArea);
            if (!ak.isRestrictedSigningKey()) {
                problems.add("AK is not a restricted signing key (fixedTPM, restricted, sign): it could sign"
                        + " forged attestation data");
            }
            key = ak.toPublicKey();
        } catch (TpmFormatException e) {
            problems.add("AK public area is malformed: " + e.getMessage());
            return;
        }
        try {
            if (!TpmSignature.parse(signature).verify(key, attest)) {
                problems.add("quote signature does not verify with the attestation key");
            }
        } catch (TpmFormatException e) {
            problems.add("quote signature is malformed: " + e.getMessage());
        }
    }

    /** The selection must be exactly the reported PCRs, and pcrDigest must cover their values. */
    private static void checkPcrDigest(TpmQuoteAttest attest, Map<Integer, byte[]> reported, List<String> problems) {
        List<Integer> selected = new ArrayList<>();
        for (TpmQuoteAttest.PcrSelection selection : attest.pcrSelections()) {
            if (selection.hashAlg() != TpmAlgorithms.TPM_ALG_SHA256 && !selection.pcrs().isEmpty()) {
                problems.add("quote selects PCRs of bank " + TpmAlgorithms.hex(selection.hashAlg())
                        + "; only the SHA-256 bank is accepted");
                return;
            }
            selected.addAll(selection.pcrs());
        }
        if (!new TreeSet<>(selected).equals(reported.keySet()) || selected.size() != reported.size()) {
            problems.add("quoted PCR selection " + selected + " does not match the reported PCRs " + reported.keySet());
            return;
        }
        MessageDigest sha256 = sha256();
        for (int pcr : selected) {
            byte[] value = reported.get(pcr);
            if (value.length != SHA256_BYTES) {
                problems.add("reported value of PCR " + pcr + " is not a SHA-256 value");
                return;
            }
            sha256.update(value);
        }
        if (!MessageDigest.isEqual(sha256.digest(), attest.pcrDigest())) {
            problems.add("quote pcrDigest does not match the reported PCR values");
        }
    }

    private static void checkEventLog(List<PlatformEvent> eventLog, Map<Integer, byte[]> reported,
            ReferenceValues reference, List<String> problems) {
        SortedMap<Integer, byte[]> replayed = new TreeMap<>();
        reported.keySet().forEach(pcr -> replayed.put(pcr, new byte[SHA256_BYTES]));
        for (int i = 0; i < eventLog.size(); i++) {
            PlatformEvent event = eventLog.get(i);
            if (event == null) {
                problems.add("event log entry #" + i + " is missing");
                continue;
            }
            if (!reference.allows(event)) {
                problems.add("event log entry #" + i + " on PCR " + event.pcr() + " is not an allowed reference value for that PCR: '"
                        + event.description() + "' sha256=" + Hex.of(event.sha256Digest()));
            }
            byte[] current = replayed.get(event.pcr());
            if (current == null) {
                problems.add("event log entry #" + i + " ('" + event.description() + "') extends PCR " + event.pcr()
                        + ", which the quote does not cover");
                continue;
            }
            MessageDigest sha256 = sha256();
            sha256.update(current);
            sha256.update(event.sha256Digest());
            replayed.put(event.pcr(), sha256.digest());
        }
        replayed.forEach((pcr, value) -> {
            if (!MessageDigest.isEqual(value, reported.get(pcr))) {
                problems.add("event log replay gives PCR " + pcr + " = " + Hex.of(value)
                        + " but the quote reports " + Hex.of(reported.get(pcr)));
            }
        });
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks SHA-256", e);
        }
    }
}
