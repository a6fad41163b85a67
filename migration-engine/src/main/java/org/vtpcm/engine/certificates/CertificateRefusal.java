package org.vtpcm.engine.certificates;

import org.vtpcm.engine.errors.Refusal;

/** A certificate operation the registry refuses: the HTTP status (400, 404, 409), a code and one sentence. */
public final class CertificateRefusal extends Refusal {
    private static final long serialVersionUID = 1L;

    public CertificateRefusal(int status, String code, String message) {
        super(status, code, message);
    }
}
