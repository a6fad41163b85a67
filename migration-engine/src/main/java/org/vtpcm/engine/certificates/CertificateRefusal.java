package org.vtpcm.engine.certificates;

/** A certificate operation the registry refuses: the HTTP status (400, 404, 409), a code and one sentence. */
public final class CertificateRefusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    public CertificateRefusal(int status, String code, String message) {
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
