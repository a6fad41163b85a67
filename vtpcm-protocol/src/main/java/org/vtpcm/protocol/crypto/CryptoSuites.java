package org.vtpcm.protocol.crypto;

import java.util.Objects;

/** Factory for {@link CryptoSuite}s. */
public final class CryptoSuites {

    private CryptoSuites() {
    }

    /** A new suite instance for {@code name}. */
    public static CryptoSuite of(SuiteName name) {
        Objects.requireNonNull(name, "name is null");
        return switch (name) {
            case SM -> new SmCryptoSuite();
            case NIST -> new NistCryptoSuite();
        };
    }
}
