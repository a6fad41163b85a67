package org.vtpcm.protocol.crypto;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.function.Supplier;
import org.bouncycastle.crypto.Signer;
import org.bouncycastle.crypto.params.ParametersWithRandom;

/** DER-encoded EC signatures (SM2 or ECDSA) over one curve. */
final class EcSignatures {

    private final EcCurve curve;
    private final Supplier<Signer> signers;
    private final SecureRandom random;

    EcSignatures(EcCurve curve, Supplier<Signer> signers, SecureRandom random) {
        this.curve = Objects.requireNonNull(curve, "curve is null");
        this.signers = Objects.requireNonNull(signers, "signers is null");
        this.random = Objects.requireNonNull(random, "random is null");
    }

    byte[] sign(PrivateKey key, byte[] data) {
        Objects.requireNonNull(data, "data is null");
        Signer signer = signers.get();
        signer.init(true, new ParametersWithRandom(curve.privateParameters(key), random));
        signer.update(data, 0, data.length);
        try {
            return signer.generateSignature();
        } catch (org.bouncycastle.crypto.CryptoException | RuntimeException e) {
            throw new CryptoException("signing failed", e);
        }
    }

    boolean verify(PublicKey key, byte[] data, byte[] signature) {
        if (key == null || data == null || signature == null) {
            return false;
        }
        try {
            Signer verifier = signers.get();
            verifier.init(false, curve.publicParameters(key));
            verifier.update(data, 0, data.length);
            return verifier.verifySignature(signature);
        } catch (RuntimeException e) {
            // Wrong key type, foreign curve or undecodable signature: all simply "not valid".
            return false;
        }
    }
}
