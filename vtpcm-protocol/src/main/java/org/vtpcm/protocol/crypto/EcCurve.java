package org.vtpcm.protocol.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.gm.GMNamedCurves;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECNamedCurves;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.math.ec.ECPoint;

/**
 * One named elliptic curve: checks that JCA keys lie on it and converts between JCA keys,
 * BouncyCastle lightweight parameters and canonical DER encodings (named curve, uncompressed point).
 */
final class EcCurve {

    private final String name;
    private final ECNamedDomainParameters domain;

    private EcCurve(String name, ASN1ObjectIdentifier oid, X9ECParameters x9) {
        this.name = name;
        this.domain = new ECNamedDomainParameters(oid, x9);
    }

    static EcCurve sm2p256v1() {
        return new EcCurve("sm2p256v1", GMObjectIdentifiers.sm2p256v1,
                GMNamedCurves.getByOID(GMObjectIdentifiers.sm2p256v1));
    }

    static EcCurve secp256r1() {
        return new EcCurve("secp256r1", SECObjectIdentifiers.secp256r1,
                SECNamedCurves.getByOID(SECObjectIdentifiers.secp256r1));
    }

    String name() {
        return name;
    }

    ECNamedDomainParameters domain() {
        return domain;
    }

    /** Size in bytes of a field element (and of the ECDH shared secret). */
    int fieldSize() {
        return (domain.getCurve().getFieldSize() + 7) / 8;
    }

    /** The lightweight form of {@code key}, re-anchored on this curve; rejects keys of other types or curves. */
    ECPublicKeyParameters publicParameters(PublicKey key) {
        Objects.requireNonNull(key, "key is null");
        byte[] encoded = key.getEncoded();
        if (encoded == null) {
            throw new CryptoException("public key (" + key.getAlgorithm() + ") has no encoding");
        }
        return publicParameters(encoded);
    }

    /** Parses SubjectPublicKeyInfo DER and checks the key lies on this curve. */
    ECPublicKeyParameters publicParameters(byte[] spki) {
        AsymmetricKeyParameter parsed;
        try {
            parsed = PublicKeyFactory.createKey(spki);
        } catch (IOException | RuntimeException e) {
            throw new CryptoException("malformed public key encoding", e);
        }
        if (!(parsed instanceof ECPublicKeyParameters ec)) {
            throw new CryptoException("expected an EC public key on " + name + ", got " + describe(parsed));
        }
        if (!sameDomain(ec.getParameters())) {
            throw new CryptoException("public key is not on curve " + name);
        }
        ECPoint q;
        try {
            // Re-decode on our curve instance: validates the point and lets it mix with our points.
            q = domain.getCurve().decodePoint(ec.getQ().getEncoded(false));
        } catch (RuntimeException e) {
            throw new CryptoException("public key point is not valid on curve " + name, e);
        }
        if (q.isInfinity()) {
            throw new CryptoException("public key is the point at infinity");
        }
        return new ECPublicKeyParameters(q, domain);
    }

    /** The lightweight form of {@code key}, re-anchored on this curve; rejects keys of other types or curves. */
    ECPrivateKeyParameters privateParameters(PrivateKey key) {
        Objects.requireNonNull(key, "key is null");
        byte[] encoded = key.getEncoded();
        if (encoded == null) {
            throw new CryptoException("private key (" + key.getAlgorithm() + ") has no encoding");
        }
        return privateParameters(encoded);
    }

    /** Parses PKCS#8 DER and checks the key belongs to this curve. */
    ECPrivateKeyParameters privateParameters(byte[] pkcs8) {
        AsymmetricKeyParameter parsed;
        try {
            parsed = PrivateKeyFactory.createKey(pkcs8);
        } catch (IOException | RuntimeException e) {
            throw new CryptoException("malformed private key encoding", e);
        }
        if (!(parsed instanceof ECPrivateKeyParameters ec)) {
            throw new CryptoException("expected an EC private key on " + name + ", got " + describe(parsed));
        }
        if (!sameDomain(ec.getParameters())) {
            throw new CryptoException("private key is not on curve " + name);
        }
        BigInteger d = ec.getD();
        if (d.signum() <= 0 || d.compareTo(domain.getN()) >= 0) {
            throw new CryptoException("private key scalar is out of range for curve " + name);
        }
        return new ECPrivateKeyParameters(d, domain);
    }

    /** The public key matching {@code key}. */
    ECPublicKeyParameters publicOf(ECPrivateKeyParameters key) {
        return new ECPublicKeyParameters(domain.getG().multiply(key.getD()).normalize(), domain);
    }

    /** SubjectPublicKeyInfo DER with the named-curve OID and the uncompressed point. */
    byte[] encodePublic(ECPublicKeyParameters key) {
        try {
            return new SubjectPublicKeyInfo(
                    new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, domain.getName()),
                    key.getQ().getEncoded(false)).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new CryptoException("cannot encode public key", e);
        }
    }

    /** PKCS#8 DER with the named-curve OID. */
    byte[] encodePrivate(ECPrivateKeyParameters key) {
        try {
            return PrivateKeyInfoFactory.createPrivateKeyInfo(new ECPrivateKeyParameters(key.getD(), domain))
                    .getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new CryptoException("cannot encode private key", e);
        }
    }

    PublicKey toJca(ECPublicKeyParameters key) {
        try {
            return KeyFactory.getInstance("EC", BouncyCastle.provider())
                    .generatePublic(new X509EncodedKeySpec(encodePublic(key)));
        } catch (GeneralSecurityException e) {
            throw new CryptoException("cannot build public key object", e);
        }
    }

    PrivateKey toJca(ECPrivateKeyParameters key) {
        try {
            return KeyFactory.getInstance("EC", BouncyCastle.provider())
                    .generatePrivate(new PKCS8EncodedKeySpec(encodePrivate(key)));
        } catch (GeneralSecurityException e) {
            throw new CryptoException("cannot build private key object", e);
        }
    }

    private boolean sameDomain(ECDomainParameters other) {
        return domain.getCurve().equals(other.getCurve())
                && domain.getG().equals(other.getG())
                && domain.getN().equals(other.getN());
    }

    private static String describe(AsymmetricKeyParameter key) {
        return key == null ? "nothing" : key.getClass().getSimpleName().replace("Parameters", "");
    }
}
