package org.vtpcm.engine.config;

/** The engine's configuration is missing, unreadable or invalid; the message names the key. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
