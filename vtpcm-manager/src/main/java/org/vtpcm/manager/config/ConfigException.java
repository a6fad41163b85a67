package org.vtpcm.manager.config;

/** The configuration is invalid; the message names the file, the key and what is allowed. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
