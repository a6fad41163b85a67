package org.vtpcm.engine.target;

import java.util.List;
import org.vtpcm.engine.journal.RejectedHost;

/** No host may receive the VM; every host's reason is listed. */
public final class NoTargetException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<RejectedHost> rejected;

    public NoTargetException(String message, List<RejectedHost> rejected) {
        super(message);
        this.rejected = List.copyOf(rejected);
    }

    public List<RejectedHost> rejected() {
        return rejected;
    }
}
