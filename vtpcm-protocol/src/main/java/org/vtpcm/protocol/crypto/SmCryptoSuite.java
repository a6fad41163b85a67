package org.vtpcm.protocol.crypto;

import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.signers.SM2Signer;

/**
 * Chinese commercial cryptography: SM3 digest, SM2 signatures (curve sm2p256v1, SM3, default
 * user id "1234567812345678" per GB/T 32918), SM4-GCM, and hybrid encryption with ECDH on
 * sm2p256v1 and HKDF-SM3.
 */
public final class SmCryptoSuite extends EcCryptoSuite {

    SmCryptoSuite() {
        super(SuiteName.SM, "SM3", EcCurve.sm2p256v1(), SM3Digest::new,
                // No ParametersWithID: SM2Signer then uses the GB/T 32918 default id.
                () -> new SM2Signer(new SM3Digest()),
                SM4Engine::new, 16);
    }
}
