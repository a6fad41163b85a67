package org.vtpcm.nodeapi;

/** A manager answered with an error (or could not be reached: status 0). */
public final class ManagerClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The code of an answer that is not the message the node API defines for the call. */
    public static final String MALFORMED_ANSWER = "MALFORMED_ANSWER";
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
