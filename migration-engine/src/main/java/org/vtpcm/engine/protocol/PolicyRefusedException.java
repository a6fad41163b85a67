package org.vtpcm.engine.protocol;

/** The engine's configured policy refuses the request (for example a migration without TLS), with the answer's status and code. */
public final class PolicyRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** An operator asked for a direct migration with {@code tls:false} and {@code migration.allow-plaintext} is off (400). */
    public static final String PLAINTEXT_REFUSED = "PLAINTEXT_REFUSED";
    /** Nova migrates without {@code live_migration_with_native_tls} and {@code migration.allow-plaintext} is off (409). */
    public static final String NATIVE_TLS_REQUIRED = "NATIVE_TLS_REQUIRED";

    private final int status;
    private final String code;

    public PolicyRefusedException(int status, String code, String message) {
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
