package org.vtpcm.engine.protocol;

import org.vtpcm.engine.errors.Refusal;

/** The engine's configured policy refuses the request (for example a migration without TLS), with the answer's status and code. */
public final class PolicyRefusedException extends Refusal {
    private static final long serialVersionUID = 1L;
    /** An operator asked for a direct migration with {@code tls:false} and {@code migration.allow-plaintext} is off (400). */
    public static final String PLAINTEXT_REFUSED = "PLAINTEXT_REFUSED";
    /** Nova migrates without {@code live_migration_with_native_tls} and {@code migration.allow-plaintext} is off (409). */
    public static final String NATIVE_TLS_REQUIRED = "NATIVE_TLS_REQUIRED";

    public PolicyRefusedException(int status, String code, String message) {
        super(status, code, message);
    }
}
