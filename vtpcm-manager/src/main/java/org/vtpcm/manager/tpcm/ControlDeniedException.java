package org.vtpcm.manager.tpcm;

import java.util.List;

/** Active control refused to start a VM; the reasons name each artifact that did not match. */
public final class ControlDeniedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> reasons;

    public ControlDeniedException(String message, List<String> reasons) {
        super(message);
        this.reasons = List.copyOf(reasons);
    }

    public List<String> reasons() {
        return reasons;
    }
}
