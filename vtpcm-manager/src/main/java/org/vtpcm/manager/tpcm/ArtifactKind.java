package org.vtpcm.manager.tpcm;

import java.util.Locale;

/** Kinds of boot artifacts the TPCM layer measures. */
public enum ArtifactKind {
    KERNEL, INITRD, DISK,
    /** The launch-relevant part of the domain definition. */
    DOMAIN;

    public static ArtifactKind parse(String text) {
        if (text != null) {
            for (ArtifactKind kind : values()) {
                if (kind.name().equalsIgnoreCase(text.trim())) {
                    return kind;
                }
            }
        }
        throw new IllegalArgumentException("unknown artifact kind '" + text + "' (allowed: kernel, initrd, disk, domain)");
    }

    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
