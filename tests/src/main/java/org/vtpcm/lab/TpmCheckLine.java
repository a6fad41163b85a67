package org.vtpcm.lab;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One step the guest reported: {@code tpmcheck seq=41 pcr16=<hex> nv=42 ok} or
 * {@code tpmcheck seq=41 ... fail reason=<why> ...}.
 *
 * @param seq the guest's step counter (kept in guest RAM, so it survives live migration)
 * @param pcr16 PCR 16 after the step, empty if the step failed before reading it
 * @param nv the NV counter after the step, -1 if unknown
 * @param ok whether the guest found PCR 16 and the counter continued exactly
 * @param reason the guest's reason for a failure, empty when ok
 */
public record TpmCheckLine(long seq, String pcr16, long nv, boolean ok, String reason) {
    private static final Pattern STEP = Pattern.compile(
            "tpmcheck seq=(\\d+)(?: pcr16=([0-9a-f]*))?(?: nv=(\\d+))? (ok|fail)(?: reason=(\\S+))?(?: detail=(\\S+))?.*");

    /** Parses a console line; empty for anything that is not a step line. */
    public static Optional<TpmCheckLine> parse(String line) {
        Matcher matcher = STEP.matcher(line.strip());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        try {
            long seq = Long.parseLong(matcher.group(1));
            String pcr = matcher.group(2) == null ? "" : matcher.group(2);
            long nv = matcher.group(3) == null ? -1 : Long.parseLong(matcher.group(3));
            boolean ok = matcher.group(4).equals("ok");
            String reason = (matcher.group(5) == null ? "" : matcher.group(5))
                    + (matcher.group(6) == null || matcher.group(6).isEmpty() ? "" : " (" + matcher.group(6) + ")");
            return Optional.of(new TpmCheckLine(seq, pcr, nv, ok, reason));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
