package org.vtpcm.protocol.crypto;

import java.security.Provider;
import java.security.Security;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Registers the BouncyCastle JCA provider once (after the JDK's providers, so it never displaces
 * them) and hands it out. The JDK's providers stay the default for everything they can do.
 */
public final class BouncyCastle {

    private BouncyCastle() {
    }

    /** The registered BouncyCastle provider, registering it on first use. */
    public static synchronized Provider provider() {
        Provider provider = Security.getProvider(BouncyCastleProvider.PROVIDER_NAME);
        if (provider == null) {
            provider = new BouncyCastleProvider();
            Security.addProvider(provider);
        }
        return provider;
    }
}
