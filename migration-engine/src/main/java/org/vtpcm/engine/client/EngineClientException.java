package org.vtpcm.engine.client;

/**
 * A call to the migration engine that did not succeed: the engine's error ({@code status} 4xx/5xx
 * with its {@code code} and one-sentence message), or no usable answer at all ({@code status} 0:
 * unreachable, TLS handshake refused, timed out, or a body that is not JSON).
 */
public final class EngineClientException extends RuntimeException {
    /** The status of a call that got no usable HTTP answer. */
    public static final int NO_ANSWER = 0;
    /** The code of a call whose TLS handshake the engine refused (our certificate): the TLS form of 401/403. */
    public static final String TLS_REJECTED = "TLS_REJECTED";

    private final int status;
    private final String code;

    public EngineClientException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code == null ? "HTTP_" + status : code;
    }

    public EngineClientException(int status, String code, String message, Throwable cause) {
        this(status, code, message);
        initCause(cause);
    }

    /** The HTTP status, or {@link #NO_ANSWER}. */
    public int status() {
        return status;
    }

    /** The engine's error code ({@code NOT_FOUND}, {@code CONFLICT}...), or ours when there was no answer. */
    public String code() {
        return code;
    }
}
