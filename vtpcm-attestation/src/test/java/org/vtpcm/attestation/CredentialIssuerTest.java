package org.vtpcm.attestation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.attestation.tpm2.TpmPublicArea;

class CredentialIssuerTest {
    @TempDir
    Path temp;

    private EmulatedPlatformTpm tpm;
    private final CredentialIssuer issuer = new CredentialIssuer();
    private final SecureRandom random = new SecureRandom();

    @BeforeEach
    void start() {
        tpm = TestTpms.start(temp);
    }

    @AfterEach
    void stop() {
        tpm.close();
    }

    @Test
    void challengeForThisNodeActivatesToTheSecret() {
        byte[] secret = randomBytes(32);
        Challenge challenge = issuer.makeCredential(tpm.endorsementKeyPublic(), tpm.attestationKey().name(), secret);
        assertEquals(256, challenge.encryptedSecret().length);
        assertArrayEquals(secret, tpm.activateCredential(challenge.credentialBlob(), challenge.encryptedSecret()));
    }

    @Test
    void shortSecretsWorkAndActivationIsRepeatable() {
        byte[] secret = {7};
        Challenge challenge = issuer.makeCredential(tpm.endorsementKeyPublic(), tpm.attestationKey().name(), secret);
        assertArrayEquals(secret, tpm.activateCredential(challenge.credentialBlob(), challenge.encryptedSecret()));
        assertArrayEquals(secret, tpm.activateCredential(challenge.credentialBlob(), challenge.encryptedSecret()));
    }

    @Test
    void challengeSurvivesARestartBecauseKeysPersist() {
        byte[] secret = randomBytes(16);
        Challenge challenge = issuer.makeCredential(tpm.endorsementKeyPublic(), tpm.attestationKey().name(), secret);
        tpm.close();
        tpm = TestTpms.start(temp);
        assertArrayEquals(secret, tpm.activateCredential(challenge.credentialBlob(), challenge.encryptedSecret()));
    }

    @Test
    void challengeForAnotherAkNameDoesNotActivate() {
        byte[] otherName = tpm.attestationKey().name();
        otherName[5] ^= 1;
        Challenge challenge = issuer.makeCredential(tpm.endorsementKeyPublic(), otherName, randomBytes(32));
        PlatformTpmException e = assertThrows(PlatformTpmException.class,
                () -> tpm.activateCredential(challenge.credentialBlob(), challenge.encryptedSecret()));
        assertTrue(e.getMessage().contains("not made for this node"), e.getMessage());
        // the platform TPM keeps working after a refused activation
        byte[] secret = randomBytes(8);
        Challenge good = issuer.makeCredential(tpm.endorsementKeyPublic(), tpm.attestationKey().name(), secret);
        assertArrayEquals(secret, tpm.activateCredential(good.credentialBlob(), good.encryptedSecret()));
    }

    @Test
    void challengeForAnotherEkDoesNotActivate() {
        byte[] otherEk;
        try (EmulatedPlatformTpm other = TestTpms.start(temp.resolve("other-node"))) {
            otherEk = other.endorsementKeyPublic();
        }
        Challenge challenge = issuer.makeCredential(otherEk, tpm.attestationKey().name(), randomBytes(32));
        assertThrows(PlatformTpmException.class,
                () -> tpm.activateCredential(challenge.credentialBlob(), challenge.encryptedSecret()));
    }

    @Test
    void tamperedChallengeDoesNotActivate() {
        Challenge challenge = issuer.makeCredential(tpm.endorsementKeyPublic(), tpm.attestationKey().name(),
                randomBytes(32));
        byte[] blob = challenge.credentialBlob();
        blob[blob.length - 1] ^= 1;
        assertThrows(PlatformTpmException.class, () -> tpm.activateCredential(blob, challenge.encryptedSecret()));
        assertThrows(PlatformTpmException.class, () -> tpm.activateCredential(new byte[] {0, 32, 1}, new byte[256]));
    }

    @Test
    void eachChallengeUsesAFreshSeed() {
        byte[] secret = randomBytes(32);
        Challenge first = issuer.makeCredential(tpm.endorsementKeyPublic(), tpm.attestationKey().name(), secret);
        Challenge second = issuer.makeCredential(tpm.endorsementKeyPublic(), tpm.attestationKey().name(), secret);
        assertFalse(Arrays.equals(first.encryptedSecret(), second.encryptedSecret()));
        assertFalse(Arrays.equals(first.credentialBlob(), second.credentialBlob()));
    }

    @Test
    void rejectsUnsupportedOrMalformedInput() {
        byte[] ek = tpm.endorsementKeyPublic();
        byte[] name = tpm.attestationKey().name();
        byte[] akArea = tpm.attestationKey().publicArea();
        assertThrows(IllegalArgumentException.class, () -> issuer.makeCredential(akArea, name, new byte[8]),
                "an ECC signing key is not an RSA EK");
        assertThrows(IllegalArgumentException.class, () -> issuer.makeCredential(new byte[] {1, 2, 3}, name, new byte[8]));
        assertThrows(IllegalArgumentException.class, () -> issuer.makeCredential(ek, new byte[10], new byte[8]));
        assertThrows(IllegalArgumentException.class, () -> issuer.makeCredential(ek, name, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> issuer.makeCredential(ek, name, new byte[33]));
        assertTrue(TpmPublicArea.parse(ek).isRsa());
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
