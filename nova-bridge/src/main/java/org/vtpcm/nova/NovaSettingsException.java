package org.vtpcm.nova;

/** The {@code nova.*} settings are incomplete or invalid; the message names the key. */
public final class NovaSettingsException extends NovaException {
    private static final long serialVersionUID = 1L;

    public NovaSettingsException(String message) {
        super("invalid Nova settings: " + message);
    }
}
