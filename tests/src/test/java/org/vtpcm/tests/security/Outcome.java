package org.vtpcm.tests.security;

/**
 * What one probe saw: the HTTP status and the error code of a JSON answer, or (status 0) that the
 * connection was refused before any HTTP exchange, e.g. in the TLS handshake.
 */
public record Outcome(int status, String code, String body, String failure) {
    static Outcome refused(String failure) {
        return new Outcome(0, "", "", failure);
    }

    /**
     * The server closed the connection before any HTTP answer, during or right after the TLS
     * handshake (with TLS 1.3 the client may only see the server's alert when it reads). A server
     * that is down or silent is not a refusal: that would make the attack pass for the wrong reason.
     */
    boolean handshakeRefused() {
        return status == 0 && !failure.startsWith("ConnectException") && !failure.startsWith("HttpConnectTimeoutException")
                && !failure.startsWith("HttpTimeoutException") && !failure.startsWith("the probe itself failed");
    }

    @Override
    public String toString() {
        if (status == 0) {
            return "connection refused: " + failure;
        }
        String shortBody = body.length() > 300 ? body.substring(0, 300) + "..." : body;
        return "HTTP " + status + (code.isEmpty() ? "" : " " + code) + " " + shortBody;
    }
}
