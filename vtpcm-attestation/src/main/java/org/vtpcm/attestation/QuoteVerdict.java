package org.vtpcm.attestation;

import java.util.List;

/** The controller's judgement of one quote: trusted only when no problem was found. */
public record QuoteVerdict(boolean trusted, List<String> problems) {
    public QuoteVerdict {
        problems = List.copyOf(problems);
        if (trusted && !problems.isEmpty()) {
            throw new IllegalArgumentException("a trusted verdict cannot have problems");
        }
    }

    static QuoteVerdict of(List<String> problems) {
        return new QuoteVerdict(problems.isEmpty(), problems);
    }
}
