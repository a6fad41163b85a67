package org.vtpcm.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KeyEncodingTest {

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void publicKeyRoundTrip(SuiteName name) {
        CryptoSuite suite = CryptoSuites.of(name);
        KeyPair pair = suite.generateSigningKeyPair();
        byte[] der = suite.encodePublicKey(pair.getPublic());
        SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(der);
        assertEquals(new ASN1ObjectIdentifier(SignatureTest.curveOid(name)), info.getAlgorithm().getParameters());
        assertEquals(65, info.getPublicKeyData().getBytes().length, "uncompressed point");
        assertArrayEquals(der, suite.encodePublicKey(suite.decodePublicKey(der)));
        byte[] signature = suite.sign(pair.getPrivate(), der);
        assertTrue(suite.verify(suite.decodePublicKey(der), der, signature));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void privateKeyRoundTrip(SuiteName name) {
        CryptoSuite suite = CryptoSuites.of(name);
        KeyPair pair = suite.generateSigningKeyPair();
        byte[] pkcs8 = suite.encodePrivateKey(pair.getPrivate());
        byte[] data = {1, 2, 3};
        byte[] signature = suite.sign(suite.decodePrivateKey(pkcs8), data);
        assertTrue(suite.verify(pair.getPublic(), data, signature));
        assertArrayEquals(pkcs8, suite.encodePrivateKey(suite.decodePrivateKey(pkcs8)));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void keysOfTheOtherCurveAreRejected(SuiteName name) {
        CryptoSuite suite = CryptoSuites.of(name);
        CryptoSuite other = CryptoSuites.of(SignatureTest.other(name));
        KeyPair foreign = other.generateSigningKeyPair();
        CryptoException e = assertThrows(CryptoException.class,
                () -> suite.decodePublicKey(other.encodePublicKey(foreign.getPublic())));
        assertTrue(e.getMessage().contains("not on curve"), e.getMessage());
        assertThrows(CryptoException.class, () -> suite.decodePrivateKey(other.encodePrivateKey(foreign.getPrivate())));
        assertThrows(CryptoException.class, () -> suite.encodePublicKey(foreign.getPublic()));
        assertThrows(CryptoException.class, () -> suite.encodePrivateKey(foreign.getPrivate()));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void otherCurvesAndAlgorithmsAreRejected(SuiteName name) throws Exception {
        CryptoSuite suite = CryptoSuites.of(name);
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp384r1"));
        KeyPair p384 = ec.generateKeyPair();
        assertThrows(CryptoException.class, () -> suite.decodePublicKey(p384.getPublic().getEncoded()));
        assertThrows(CryptoException.class, () -> suite.decodePrivateKey(p384.getPrivate().getEncoded()));
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        KeyPair rsaPair = rsa.generateKeyPair();
        CryptoException e = assertThrows(CryptoException.class,
                () -> suite.decodePublicKey(rsaPair.getPublic().getEncoded()));
        assertTrue(e.getMessage().contains("expected an EC public key"), e.getMessage());
        assertThrows(CryptoException.class, () -> suite.decodePrivateKey(rsaPair.getPrivate().getEncoded()));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void malformedEncodingsAreRejected(SuiteName name) {
        CryptoSuite suite = CryptoSuites.of(name);
        KeyPair pair = suite.generateSigningKeyPair();
        byte[] der = suite.encodePublicKey(pair.getPublic());
        byte[] pkcs8 = suite.encodePrivateKey(pair.getPrivate());
        assertThrows(CryptoException.class, () -> suite.decodePublicKey(new byte[0]));
        assertThrows(CryptoException.class, () -> suite.decodePublicKey(new byte[] {0x30, 0x03, 1, 2, 3}));
        assertThrows(CryptoException.class, () -> suite.decodePublicKey(Arrays.copyOf(der, der.length - 1)));
        assertThrows(CryptoException.class, () -> suite.decodePrivateKey(new byte[0]));
        assertThrows(CryptoException.class, () -> suite.decodePrivateKey(Arrays.copyOf(pkcs8, 20)));
        // A point that is not on the curve.
        byte[] offCurve = der.clone();
        offCurve[offCurve.length - 1] ^= 1;
        assertThrows(CryptoException.class, () -> suite.decodePublicKey(offCurve));
    }

    @Test
    void nistSuiteAcceptsJdkGeneratedP256Keys() throws Exception {
        CryptoSuite nist = CryptoSuites.of(SuiteName.NIST);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", "SunEC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair jdk = generator.generateKeyPair();
        assertArrayEquals(jdk.getPublic().getEncoded(), nist.encodePublicKey(jdk.getPublic()));
        byte[] message = nist.encryptTo(jdk.getPublic(), new byte[] {42}, null);
        assertArrayEquals(new byte[] {42}, nist.decryptWith(jdk.getPrivate(), message, null));
    }
}
