package org.vtpcm.engine.nova;

import static java.util.Objects.requireNonNull;

/** Nova mode could not do what was asked: an HTTP status, a code and a message for the operator. */
public final class NovaModeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    public NovaModeException(int status, String code, String message) {
        super(message);
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
