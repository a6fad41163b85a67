package org.vtpcm.attestation;

import java.util.HexFormat;

/** Hex rendering for digests and names in messages (never used for secrets). */
final class Hex {
    private static final HexFormat FORMAT = HexFormat.of();

    private Hex() {
    }

    static String of(byte[] bytes) {
        return bytes == null ? "null" : FORMAT.formatHex(bytes);
    }
}
