package org.vtpcm.engine.attestation;

import java.time.Instant;
import java.util.List;

/** The outcome of attesting one host, with every failed check. */
public record AttestationResult(String host, AttestationState state, Instant checkedAt, List<String> problems) {
    /** Problems named in a summary; the full list stays in {@link #problems()}. */
    private static final int SHOWN = 3;

    public AttestationResult {
        problems = List.copyOf(problems);
    }

    public boolean trusted() {
        return state == AttestationState.TRUSTED;
    }

    /** One line for rejection reasons and logs. */
    public String summary() {
        return switch (state) {
            case TRUSTED -> "trusted";
            case UNREACHABLE -> "not attested: manager unreachable (" + String.join("; ", problems) + ")";
            case UNKNOWN -> "not attested yet";
            case UNTRUSTED -> "quote failed: " + String.join("; ", problems.subList(0, Math.min(SHOWN, problems.size())))
                    + (problems.size() > SHOWN ? "; and " + (problems.size() - SHOWN) + " more" : "");
        };
    }
}
