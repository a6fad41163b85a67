package org.vtpcm.manager.migration;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256, the transfer's integrity check of chunks and bundles (whatever the node's crypto suite). */
public final class Sha256 {
    public static final int BYTES = 32;

    private Sha256() {
    }

    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    public static byte[] of(byte[] bytes) {
        return digest().digest(bytes);
    }
}
