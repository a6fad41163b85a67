package org.vtpcm.attestation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.attestation.tpm2.TpmAlgorithms;
import org.vtpcm.attestation.tpm2.TpmPublicArea;
import org.vtpcm.attestation.tpm2.TpmQuoteAttest;
import org.vtpcm.attestation.tpm2.TpmSignature;

class EmulatedPlatformTpmTest {
    @TempDir
    Path temp;

    private EmulatedPlatformTpm tpm;

    @BeforeEach
    void start() {
        tpm = TestTpms.start(temp);
    }

    @AfterEach
    void stop() {
        if (tpm != null) {
            tpm.close();
        }
    }

    @Test
    void describesItselfAsEmulatedAndRunsSwtpm() {
        assertTrue(tpm.description().startsWith("emulated TPM 2.0 (swtpm"), tpm.description());
        assertTrue(tpm.description().contains("no hardware root of trust"));
        assertTrue(tpm.toString().contains("emulated"));
        assertTrue(TestTpms.isAlive(tpm.processId()));
        assertTrue(Files.exists(temp.resolve("run/platform-tpm.sock")));
        assertTrue(Files.exists(temp.resolve("run/platform-tpm.ctrl")));
        assertTrue(Files.exists(temp.resolve("run/platform-tpm.pid")));
    }

    @Test
    void endorsementKeyIsTheStandardRsa2048Ek() {
        TpmPublicArea ek = TpmPublicArea.parse(tpm.endorsementKeyPublic());
        assertTrue(ek.isRsa());
        assertEquals(2048, ek.rsaKeyBits());
        assertTrue(ek.isRestrictedDecryptionKey());
        assertEquals(TpmAlgorithms.TPM_ALG_AES, ek.symmetricAlg());
        assertEquals(128, ek.symmetricKeyBits());
        assertArrayEquals(HexFormat.of().parseHex("837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa"),
                ek.authPolicy());
        assertEquals(256, ek.rsaModulus().length);
    }

    @Test
    void attestationKeyIsARestrictedP256SigningKeyWithMatchingName() {
        AttestationKey ak = tpm.attestationKey();
        TpmPublicArea area = TpmPublicArea.parse(ak.publicArea());
        assertTrue(area.isEcc());
        assertTrue(area.isRestrictedSigningKey());
        assertEquals(TpmAlgorithms.TPM_ECC_NIST_P256, area.eccCurve());
        assertEquals(TpmAlgorithms.TPM_ALG_ECDSA, area.scheme());
        assertArrayEquals(area.name(), ak.name());
        assertEquals(34, ak.name().length);
        assertTrue(ak.publicKey() instanceof ECPublicKey);
        assertEquals(area.toPublicKey(), ak.publicKey());
    }

    @Test
    void keysSurviveARestartOfTheManager() {
        AttestationKey ak = tpm.attestationKey();
        byte[] ek = tpm.endorsementKeyPublic();
        long firstPid = tpm.processId();
        tpm.close();
        assertFalse(TestTpms.isAlive(firstPid));

        tpm = TestTpms.start(temp);
        assertNotEquals(firstPid, tpm.processId());
        assertEquals(ak, tpm.attestationKey());
        assertArrayEquals(ek, tpm.endorsementKeyPublic());
    }

    @Test
    void anotherStateDirectoryIsAnotherPlatform() {
        try (EmulatedPlatformTpm other = TestTpms.start(temp.resolve("other"))) {
            assertNotEquals(tpm.attestationKey(), other.attestationKey());
            assertFalse(Arrays.equals(tpm.endorsementKeyPublic(), other.endorsementKeyPublic()));
        }
    }

    @Test
    void pcrsResetOnEachStart() {
        tpm.extend(16, TestTpms.sha256("boot".getBytes()));
        assertFalse(Arrays.equals(new byte[32], tpm.readPcrs(16).get(16)));
        tpm.close();
        tpm = TestTpms.start(temp);
        assertArrayEquals(new byte[32], tpm.readPcrs(16).get(16));
    }

    @Test
    void extendFollowsTheTpmFormulaAndAllPcrsCanBeRead() {
        byte[] digest = TestTpms.sha256("kernel".getBytes());
        tpm.extend(10, digest);
        Map<Integer, byte[]> all = tpm.readPcrs(IntStream.range(0, 24).toArray());
        assertEquals(24, all.size());
        assertArrayEquals(TestTpms.sha256(new byte[32], digest), all.get(10));
        assertArrayEquals(new byte[32], all.get(0));
        byte[] ones = new byte[32];
        Arrays.fill(ones, (byte) 0xff);
        assertArrayEquals(ones, all.get(17), "locality PCRs start at all ones");
    }

    @Test
    void quoteIsSignedByTheAkAndBindsTheNonce() {
        tpm.extend(8, TestTpms.sha256("a".getBytes()));
        byte[] nonce = "controller-nonce-0123456789".getBytes();
        Quote quote = tpm.quote(nonce, 9, 8);
        assertEquals(java.util.List.of(8, 9), java.util.List.copyOf(quote.pcrValues().keySet()));
        TpmQuoteAttest attest = TpmQuoteAttest.parse(quote.attest());
        assertEquals(TpmAlgorithms.TPM_GENERATED_VALUE, attest.magic());
        assertEquals(TpmAlgorithms.TPM_ST_ATTEST_QUOTE, attest.type());
        assertArrayEquals(nonce, attest.extraData());
        assertTrue(TpmSignature.parse(quote.signature()).verify(tpm.attestationKey().publicKey(), quote.attest()));
    }

    @Test
    void valuesAreDefensivelyCopied() {
        Quote quote = tpm.quote(new byte[] {1}, 0);
        quote.pcrValues().get(0)[0] = 42;
        quote.attest()[0] = 42;
        assertArrayEquals(new byte[32], quote.pcrValues().get(0));
        assertEquals(TpmAlgorithms.TPM_GENERATED_VALUE, TpmQuoteAttest.parse(quote.attest()).magic());
        tpm.readPcrs(0).get(0)[0] = 1;
        tpm.attestationKey().name()[0] = 9;
        assertEquals(0, tpm.attestationKey().name()[0]);
    }

    @Test
    void rejectsInvalidArguments() {
        assertThrows(IllegalArgumentException.class, () -> tpm.quote(new byte[0], 0));
        assertThrows(IllegalArgumentException.class, () -> tpm.quote(new byte[65], 0));
        assertThrows(IllegalArgumentException.class, () -> tpm.quote(new byte[8]));
        assertThrows(IllegalArgumentException.class, () -> tpm.extend(24, new byte[32]));
        assertThrows(IllegalArgumentException.class, () -> tpm.extend(0, new byte[20]));
        assertThrows(IllegalArgumentException.class, () -> tpm.readPcrs(-1));
    }

    @Test
    void closeStopsSwtpmAndIsIdempotent() {
        long pid = tpm.processId();
        tpm.close();
        tpm.close();
        assertFalse(TestTpms.isAlive(pid));
        PlatformTpmException e = assertThrows(PlatformTpmException.class, () -> tpm.readPcrs(0));
        assertTrue(e.getMessage().contains("closed"));
        assertEquals(34, tpm.attestationKey().name().length, "cached key facts stay readable");
    }

    @Test
    void secondEmulatorOnTheSameStateIsRefused() {
        PlatformTpmException e = assertThrows(PlatformTpmException.class, () -> EmulatedPlatformTpm.start(
                temp.resolve("state"), temp.resolve("run2"), Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains("emulated platform TPM"), e.getMessage());
        assertEquals(tpm.attestationKey(), tpm.attestationKey());
        tpm.readPcrs(0); // the first one still serves
    }

    @Test
    void missingSwtpmIsAClearError() {
        PlatformTpmException e = assertThrows(PlatformTpmException.class, () -> EmulatedPlatformTpm.start(
                temp.resolve("s2"), temp.resolve("r2"), Duration.ofSeconds(2), "/nonexistent/swtpm"));
        assertTrue(e.getMessage().contains("swtpm"), e.getMessage());
    }

    @Test
    void emulatorThatNeverServesTimesOutAndIsKilled() throws Exception {
        Path pidFile = temp.resolve("fake.pid");
        Path fake = script("fake-swtpm", "echo $$ > " + pidFile + "\nexec sleep 30\n");
        long started = System.nanoTime();
        PlatformTpmException e = assertThrows(PlatformTpmException.class, () -> EmulatedPlatformTpm.start(
                temp.resolve("s3"), temp.resolve("r3"), Duration.ofMillis(500), fake.toString()));
        assertTrue(e.getMessage().contains("did not start within"), e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(8)) < 0);
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        assertFalse(TestTpms.isAlive(pid));
    }

    @Test
    void emulatorThatExitsEarlyReportsItsOutput() throws Exception {
        Path fake = script("failing-swtpm", "echo 'swtpm: cannot do it' >&2\nexit 3\n");
        PlatformTpmException e = assertThrows(PlatformTpmException.class, () -> EmulatedPlatformTpm.start(
                temp.resolve("s4"), temp.resolve("r4"), Duration.ofSeconds(5), fake.toString()));
        assertTrue(e.getMessage().contains("exited with code 3"), e.getMessage());
        assertTrue(e.getMessage().contains("cannot do it"), e.getMessage());
    }

    private Path script(String name, String body) throws Exception {
        Path file = temp.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }
}
