package org.vtpcm.protocol.crypto;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.signers.DSADigestSigner;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;

/**
 * NIST cryptography: SHA-256, ECDSA on P-256 with SHA-256 (deterministic nonces, RFC 6979),
 * AES-256-GCM, and hybrid encryption with ECDH on P-256 and HKDF-SHA256.
 */
public final class NistCryptoSuite extends EcCryptoSuite {

    NistCryptoSuite() {
        super(SuiteName.NIST, "SHA-256", EcCurve.secp256r1(), SHA256Digest::new,
                () -> new DSADigestSigner(new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest())),
                        new SHA256Digest()),
                AESEngine::newInstance, 32);
    }
}
