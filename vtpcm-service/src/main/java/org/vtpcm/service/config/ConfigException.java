package org.vtpcm.service.config;

/** A configuration is missing, unreadable or invalid; the message names the file and the key. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
