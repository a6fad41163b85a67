package org.vtpcm.service.rest;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The body of every error answer of our REST APIs.
 *
 * @param code stable machine-readable code, e.g. {@code ILLEGAL_TRANSITION}
 * @param message what went wrong, for a human
 * @param details further reasons (e.g. each artifact active control rejected)
 */
public record ApiError(String code, String message, List<String> details) {
    public ApiError {
        requireNonNull(code, "code is null");
        details = List.copyOf(details);
    }

    public ApiError(String code, String message) {
        this(code, message, List.of());
    }
}
