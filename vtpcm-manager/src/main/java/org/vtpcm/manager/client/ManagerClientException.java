package org.vtpcm.manager.client;

/** A manager answered with an error (or could not be reached: status 0). */
public final class ManagerClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String code;

    public ManagerClientException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
