package org.vtpcm.engine.errors;

import static java.util.Objects.requireNonNull;

/**
 * A request the engine refuses on purpose: the HTTP status, a stable code and one sentence that
 * names what was refused (never a secret). The API answers every subclass the same way; the
 * subclasses only say which part of the engine refused.
 */
public abstract class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    protected Refusal(int status, String code, String message) {
        super(message);
        if (status < 400 || status > 499) {
            throw new IllegalArgumentException("a refusal is a 4xx answer, got " + status);
        }
        this.status = status;
        this.code = requireNonNull(code, "code is null");
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
