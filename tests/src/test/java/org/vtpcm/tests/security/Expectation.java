package org.vtpcm.tests.security;

import java.util.function.Predicate;

/** What a secure answer looks like, with the words the attack matrix prints for it. */
public record Expectation(String text, Predicate<Outcome> test) {
    static Expectation handshakeRefused() {
        return new Expectation("refused in the TLS handshake", Outcome::handshakeRefused);
    }

    static Expectation status(int status) {
        return new Expectation("HTTP " + status, outcome -> outcome.status() == status);
    }

    static Expectation status(int status, String code) {
        return new Expectation("HTTP " + status + " " + code, outcome -> outcome.status() == status && code.equals(outcome.code()));
    }

    /** Refused with any 4xx (the exact code depends on which check fires first, all of them refuse). */
    static Expectation clientError() {
        return new Expectation("HTTP 4xx", outcome -> outcome.status() >= 400 && outcome.status() < 500);
    }

    /**
     * Refused for its size: a 413 from the Content-Length, or the server closing the connection
     * while the client still writes the body it will not read (Jetty does either; both mean not taken).
     */
    static Expectation tooLarge() {
        return new Expectation("HTTP 413, or the connection closed before the body was read", outcome -> outcome.status() == 413
                || outcome.status() == 0 && outcome.failure().startsWith("IOException"));
    }

    /**
     * Refused as revoked: in the handshake of a new connection, or with 403 REVOKED on one whose
     * TLS session began before the revocation (a kept-alive connection, a resumed session).
     */
    static Expectation revoked() {
        return new Expectation("refused in the TLS handshake, or 403 REVOKED on a session from before the revocation",
                outcome -> outcome.handshakeRefused() || outcome.status() == 403 && "REVOKED".equals(outcome.code()));
    }

    static Expectation success() {
        return new Expectation("HTTP 2xx (positive control)", outcome -> outcome.status() >= 200 && outcome.status() < 300);
    }
}
