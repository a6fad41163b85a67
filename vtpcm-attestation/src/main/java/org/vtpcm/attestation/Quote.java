package org.vtpcm.attestation;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A TPM 2.0 quote as the node sends it to a controller.
 *
 * @param attest    marshalled TPMS_ATTEST exactly as the TPM signed it
 * @param signature marshalled TPMT_SIGNATURE over {@code attest}
 * @param pcrValues SHA-256 PCR values the node reports for the quoted PCRs (index to 32-byte value)
 */
public record Quote(byte[] attest, byte[] signature, Map<Integer, byte[]> pcrValues) {
    public Quote {
        attest = Objects.requireNonNull(attest, "attest").clone();
        signature = Objects.requireNonNull(signature, "signature").clone();
        pcrValues = Collections.unmodifiableSortedMap(deepCopy(Objects.requireNonNull(pcrValues, "pcrValues")));
    }

    @Override
    public byte[] attest() {
        return attest.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** A fresh copy, ordered by PCR index; changing it does not change this quote. */
    @Override
    public Map<Integer, byte[]> pcrValues() {
        return deepCopy(pcrValues);
    }

    private static SortedMap<Integer, byte[]> deepCopy(Map<Integer, byte[]> source) {
        SortedMap<Integer, byte[]> copy = new TreeMap<>();
        source.forEach((pcr, value) -> copy.put(Objects.requireNonNull(pcr, "pcr index"),
                Objects.requireNonNull(value, "pcr value").clone()));
        return copy;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof Quote that) || !Arrays.equals(attest, that.attest)
                || !Arrays.equals(signature, that.signature) || !pcrValues.keySet().equals(that.pcrValues.keySet())) {
            return false;
        }
        return pcrValues.entrySet().stream()
                .allMatch(e -> Arrays.equals(e.getValue(), that.pcrValues.get(e.getKey())));
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(attest);
    }

    @Override
    public String toString() {
        return "Quote[attest=" + attest.length + " bytes, signature=" + signature.length + " bytes, pcrs="
                + pcrValues.keySet() + "]";
    }
}
