package org.vtpcm.protocol.pki;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.vtpcm.protocol.crypto.BouncyCastle;

/**
 * Turns DER keys into JCA key objects. The JDK's providers are preferred (so that SunJSSE gets
 * keys it knows); BouncyCastle takes over for what they cannot do, e.g. SM2 (sm2p256v1) keys.
 */
final class Keys {

    private Keys() {
    }

    static PrivateKey privateKey(byte[] pkcs8) throws GeneralSecurityException {
        String algorithm;
        try {
            algorithm = algorithmName(PrivateKeyInfo.getInstance(pkcs8).getPrivateKeyAlgorithm());
        } catch (RuntimeException e) {
            throw new GeneralSecurityException("not a PKCS#8 private key", e);
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(pkcs8);
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(spec);
        } catch (GeneralSecurityException jdkFailure) {
            try {
                return KeyFactory.getInstance(algorithm, BouncyCastle.provider()).generatePrivate(spec);
            } catch (GeneralSecurityException bcFailure) {
                bcFailure.addSuppressed(jdkFailure);
                throw bcFailure;
            }
        }
    }

    static PublicKey publicKey(byte[] spki) throws GeneralSecurityException {
        String algorithm;
        try {
            algorithm = algorithmName(SubjectPublicKeyInfo.getInstance(spki).getAlgorithm());
        } catch (RuntimeException e) {
            throw new GeneralSecurityException("not an X.509 SubjectPublicKeyInfo", e);
        }
        X509EncodedKeySpec spec = new X509EncodedKeySpec(spki);
        try {
            return KeyFactory.getInstance(algorithm).generatePublic(spec);
        } catch (GeneralSecurityException jdkFailure) {
            try {
                return KeyFactory.getInstance(algorithm, BouncyCastle.provider()).generatePublic(spec);
            } catch (GeneralSecurityException bcFailure) {
                bcFailure.addSuppressed(jdkFailure);
                throw bcFailure;
            }
        }
    }

    /**
     * Whether {@code privateKey} and {@code publicKey} form a pair, checked by a signature round
     * trip. EC, RSA and Ed25519 keys are checked; for other algorithms only the names are compared.
     */
    static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
        String keyAlgorithm = normalize(privateKey.getAlgorithm());
        if (!keyAlgorithm.equals(normalize(publicKey.getAlgorithm()))) {
            return false;
        }
        String signatureAlgorithm = switch (keyAlgorithm) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519" -> "Ed25519";
            default -> null;
        };
        if (signatureAlgorithm == null) {
            return true;
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(signatureAlgorithm, BouncyCastle.provider());
            signer.initSign(privateKey);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(signatureAlgorithm, BouncyCastle.provider());
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static String normalize(String algorithm) {
        return switch (algorithm) {
            case "ECDSA", "ECDH" -> "EC";
            case "EdDSA" -> "Ed25519";
            default -> algorithm;
        };
    }

    private static String algorithmName(AlgorithmIdentifier algorithm) {
        ASN1ObjectIdentifier oid = algorithm.getAlgorithm();
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(oid)) {
            return "EC";
        }
        if (PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
            return "RSA";
        }
        if (EdECObjectIdentifiers.id_Ed25519.equals(oid)) {
            return "Ed25519";
        }
        // BouncyCastle registers its key factories under their OIDs too.
        return oid.getId();
    }
}
