package org.vtpcm.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SignatureTest {

    private static final byte[] DATA = "migrate vm-42 from node-1 to node-2".getBytes(StandardCharsets.UTF_8);

    static SuiteName other(SuiteName name) {
        return name == SuiteName.SM ? SuiteName.NIST : SuiteName.SM;
    }

    static String curveOid(SuiteName name) {
        return name == SuiteName.SM ? "1.2.156.10197.1.301" : "1.2.840.10045.3.1.7";
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void keyPairIsOnTheSuiteCurve(SuiteName name) {
        KeyPair pair = CryptoSuites.of(name).generateSigningKeyPair();
        SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded());
        assertEquals(new ASN1ObjectIdentifier(curveOid(name)), info.getAlgorithm().getParameters());
        assertTrue(pair.getPublic() instanceof ECPublicKey);
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void signatureRoundTrip(SuiteName name) {
        CryptoSuite suite = CryptoSuites.of(name);
        KeyPair pair = suite.generateSigningKeyPair();
        byte[] signature = suite.sign(pair.getPrivate(), DATA);
        assertTrue(suite.verify(pair.getPublic(), DATA, signature));
        // DER SEQUENCE { r, s }
        assertEquals(2, ASN1Sequence.getInstance(signature).size());
        assertTrue(suite.verify(pair.getPublic(), new byte[0], suite.sign(pair.getPrivate(), new byte[0])));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void tamperedDataOrSignatureDoesNotVerify(SuiteName name) {
        CryptoSuite suite = CryptoSuites.of(name);
        KeyPair pair = suite.generateSigningKeyPair();
        byte[] signature = suite.sign(pair.getPrivate(), DATA);
        for (int i = 0; i < DATA.length; i++) {
            byte[] data = DATA.clone();
            data[i] ^= 0x01;
            assertFalse(suite.verify(pair.getPublic(), data, signature), "data byte " + i);
        }
        for (int i = 0; i < signature.length; i++) {
            byte[] bad = signature.clone();
            bad[i] ^= 0x01;
            assertFalse(suite.verify(pair.getPublic(), DATA, bad), "signature byte " + i);
        }
        assertFalse(suite.verify(pair.getPublic(), DATA, Arrays.copyOf(signature, signature.length - 1)));
        assertFalse(suite.verify(pair.getPublic(), DATA, Arrays.copyOf(signature, signature.length + 1)));
        assertFalse(suite.verify(pair.getPublic(), DATA, new byte[0]));
        assertFalse(suite.verify(pair.getPublic(), DATA, new byte[] {0x30, 0x00}));
        assertFalse(suite.verify(pair.getPublic(), DATA, "garbage".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(suite.verify(pair.getPublic(), DATA, null));
        assertFalse(suite.verify(null, DATA, signature));
        assertFalse(suite.verify(pair.getPublic(), null, signature));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void wrongOrForeignKeysDoNotVerify(SuiteName name) throws Exception {
        CryptoSuite suite = CryptoSuites.of(name);
        KeyPair pair = suite.generateSigningKeyPair();
        byte[] signature = suite.sign(pair.getPrivate(), DATA);
        assertFalse(suite.verify(suite.generateSigningKeyPair().getPublic(), DATA, signature));
        assertFalse(suite.verify(CryptoSuites.of(other(name)).generateSigningKeyPair().getPublic(), DATA, signature));
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        assertFalse(suite.verify(rsa.generateKeyPair().getPublic(), DATA, signature));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void signingWithAForeignKeyIsRefused(SuiteName name) throws Exception {
        CryptoSuite suite = CryptoSuites.of(name);
        KeyPair foreign = CryptoSuites.of(other(name)).generateSigningKeyPair();
        CryptoException e = assertThrows(CryptoException.class, () -> suite.sign(foreign.getPrivate(), DATA));
        assertTrue(e.getMessage().contains("not on curve"), e.getMessage());
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        assertThrows(CryptoException.class, () -> suite.sign(rsa.generateKeyPair().getPrivate(), DATA));
    }

    @Test
    void smSignaturesInteroperateWithBouncyCastleSm3WithSm2() throws Exception {
        // BouncyCastle's JCA "SM3withSM2" uses the GB/T 32918 default user id, as we do.
        CryptoSuite sm = CryptoSuites.of(SuiteName.SM);
        KeyPair pair = sm.generateSigningKeyPair();
        Signature jca = Signature.getInstance("SM3withSM2", BouncyCastle.provider());
        jca.initVerify(pair.getPublic());
        jca.update(DATA);
        assertTrue(jca.verify(sm.sign(pair.getPrivate(), DATA)));

        jca.initSign(pair.getPrivate());
        jca.update(DATA);
        assertTrue(sm.verify(pair.getPublic(), DATA, jca.sign()));
    }

    @Test
    void nistSignaturesInteroperateWithTheJdk() throws Exception {
        CryptoSuite nist = CryptoSuites.of(SuiteName.NIST);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", "SunEC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair jdkPair = generator.generateKeyPair();

        Signature jdk = Signature.getInstance("SHA256withECDSA", "SunEC");
        jdk.initVerify(jdkPair.getPublic());
        jdk.update(DATA);
        assertTrue(jdk.verify(nist.sign(jdkPair.getPrivate(), DATA)));

        jdk.initSign(jdkPair.getPrivate());
        jdk.update(DATA);
        assertTrue(nist.verify(jdkPair.getPublic(), DATA, jdk.sign()));
    }

    @Test
    void smSignatureDoesNotVerifyAsNistAndViceVersa() {
        CryptoSuite sm = CryptoSuites.of(SuiteName.SM);
        CryptoSuite nist = CryptoSuites.of(SuiteName.NIST);
        KeyPair smPair = sm.generateSigningKeyPair();
        KeyPair nistPair = nist.generateSigningKeyPair();
        assertFalse(nist.verify(smPair.getPublic(), DATA, sm.sign(smPair.getPrivate(), DATA)));
        assertFalse(sm.verify(nistPair.getPublic(), DATA, nist.sign(nistPair.getPrivate(), DATA)));
    }
}
