package org.vtpcm.engine.cli;

/** A mistake of the operator found after parsing (no TLS folder, unreadable identity, bad URL): exit {@link ExitCodes#USAGE}. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
