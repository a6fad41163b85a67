package org.vtpcm.manager.api;

import java.util.List;

/**
 * The body of every error answer.
 *
 * @param code stable machine-readable code, e.g. {@code ILLEGAL_TRANSITION}
 * @param message what went wrong, for a human
 * @param details further reasons (e.g. each artifact active control rejected)
 */
public record ApiError(String code, String message, List<String> details) {
    public ApiError {
        details = List.copyOf(details);
    }
}
