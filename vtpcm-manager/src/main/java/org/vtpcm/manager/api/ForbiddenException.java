package org.vtpcm.manager.api;

/** The caller is authenticated but may not do this: answered 403. */
public final class ForbiddenException extends RuntimeException {
    public ForbiddenException(String message) {
        super(message);
    }
}
