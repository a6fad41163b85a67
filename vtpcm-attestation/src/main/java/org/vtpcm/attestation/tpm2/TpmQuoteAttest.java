package org.vtpcm.attestation.tpm2;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed TPMS_ATTEST (TPM 2.0 Part 2, §10.12.12). The header is always parsed; the
 * TPMS_QUOTE_INFO body only when the type is TPM_ST_ATTEST_QUOTE, otherwise
 * {@link #pcrSelections()} is empty and {@link #pcrDigest()} is empty.
 */
public final class TpmQuoteAttest {
    /** One TPMS_PCR_SELECTION: a bank and its selected PCR indices in ascending order. */
    public record PcrSelection(int hashAlg, List<Integer> pcrs) {
        public PcrSelection {
            pcrs = List.copyOf(pcrs);
        }
    }

    private static final int MAX_BANKS = 16;

    private final long magic;
    private final int type;
    private final byte[] qualifiedSigner;
    private final byte[] extraData;
    private final List<PcrSelection> pcrSelections;
    private final byte[] pcrDigest;

    private TpmQuoteAttest(byte[] attest) {
        TpmReader in = new TpmReader(attest);
        magic = in.u32();
        type = in.u16();
        qualifiedSigner = in.sized();
        extraData = in.sized();
        in.bytes(8 + 4 + 4 + 1); // TPMS_CLOCK_INFO: clock, resetCount, restartCount, safe
        in.u64(); // firmwareVersion
        if (type == TpmAlgorithms.TPM_ST_ATTEST_QUOTE) {
            pcrSelections = readSelections(in);
            pcrDigest = in.sized();
            in.expectEnd("TPMS_ATTEST");
        } else {
            pcrSelections = List.of();
            pcrDigest = new byte[0];
        }
    }

    /** Parses marshalled TPMS_ATTEST bytes; throws {@link TpmFormatException} when malformed. */
    public static TpmQuoteAttest parse(byte[] attest) {
        return new TpmQuoteAttest(attest);
    }

    private static List<PcrSelection> readSelections(TpmReader in) {
        long count = in.u32();
        if (count > MAX_BANKS) {
            throw new TpmFormatException("TPML_PCR_SELECTION claims " + count + " banks");
        }
        List<PcrSelection> selections = new ArrayList<>();
        for (int bank = 0; bank < count; bank++) {
            int hashAlg = in.u16();
            byte[] bitmap = in.bytes(in.u8());
            List<Integer> pcrs = new ArrayList<>();
            for (int i = 0; i < bitmap.length * 8; i++) {
                if ((bitmap[i / 8] & (1 << (i % 8))) != 0) {
                    pcrs.add(i);
                }
            }
            selections.add(new PcrSelection(hashAlg, pcrs));
        }
        return List.copyOf(selections);
    }

    public long magic() {
        return magic;
    }

    public int type() {
        return type;
    }

    public byte[] qualifiedSigner() {
        return qualifiedSigner.clone();
    }

    public byte[] extraData() {
        return extraData.clone();
    }

    public List<PcrSelection> pcrSelections() {
        return pcrSelections;
    }

    public byte[] pcrDigest() {
        return pcrDigest.clone();
    }
}
