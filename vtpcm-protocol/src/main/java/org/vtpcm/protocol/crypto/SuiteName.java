package org.vtpcm.protocol.crypto;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/** The cryptographic suites vtpcm supports: Chinese commercial (SM2/SM3/SM4) and NIST (P-256/SHA-256/AES). */
public enum SuiteName {
    SM,
    NIST;

    /**
     * Parses a suite name such as {@code "sm"} or {@code "NIST"} (case-insensitive).
     *
     * @throws IllegalArgumentException if the text names no suite; the message lists the allowed values
     */
    public static SuiteName parse(String text) {
        Objects.requireNonNull(text, "text is null");
        String wanted = text.trim();
        for (SuiteName name : values()) {
            if (name.name().equalsIgnoreCase(wanted)) {
                return name;
            }
        }
        String allowed = Arrays.stream(values())
                .map(n -> n.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        throw new IllegalArgumentException("unknown crypto suite '" + text + "'; allowed values: " + allowed);
    }
}
