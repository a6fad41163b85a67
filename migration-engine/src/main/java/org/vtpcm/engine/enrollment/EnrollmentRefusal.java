package org.vtpcm.engine.enrollment;

import org.vtpcm.engine.errors.Refusal;

/**
 * An enrollment step or a token operation the engine refuses: the HTTP status (401 for a token that
 * does not authenticate, 403 for one that may not do this, 409/429 for the engine's state), a code
 * and one sentence. Messages name nodes and token ids, never a token.
 */
public final class EnrollmentRefusal extends Refusal {
    private static final long serialVersionUID = 1L;

    public EnrollmentRefusal(int status, String code, String message) {
        super(status, code, message);
    }
}
