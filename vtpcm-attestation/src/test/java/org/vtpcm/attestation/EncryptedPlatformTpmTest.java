package org.vtpcm.attestation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The emulated platform TPM's state encrypted at rest, with the real swtpm. */
class EncryptedPlatformTpmTest {
    @TempDir
    Path temp;

    private Path state() {
        return temp.resolve("state");
    }

    private Path key() {
        return temp.resolve("keys").resolve("platform-tpm.key");
    }

    private EmulatedPlatformTpm start() {
        return EmulatedPlatformTpm.start(state(), temp.resolve("run"), TestTpms.TIMEOUT, EmulatedPlatformTpm.DEFAULT_SWTPM, key());
    }

    @Test
    void theStateIsEncryptedWithAKeyCreatedAtFirstStartAndKeepsItsKeys() throws Exception {
        AttestationKey ak;
        byte[] ek;
        try (EmulatedPlatformTpm tpm = start()) {
            ak = tpm.attestationKey();
            ek = tpm.endorsementKeyPublic();
            String commandLine = Files.readString(Path.of("/proc/" + tpm.processId() + "/cmdline")).replace('\0', ' ');
            assertTrue(commandLine.contains("--key file=" + key() + ",format=binary,mode=aes-256-cbc"), commandLine);
        }
        assertEquals(32, Files.size(key()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key().getParent())));
        assertEquals(PlatformTpmStateKey.Condition.ENCRYPTED, PlatformTpmStateKey.condition(state()));
        assertFalse(contains(Files.readAllBytes(state().resolve(PlatformTpmStateKey.PERMANENT_STATE)), ak.publicArea()),
                "the AK's public area is not readable in the state file");
        try (EmulatedPlatformTpm again = start()) {
            assertEquals(ak, again.attestationKey());
            assertArrayEquals(ek, again.endorsementKeyPublic());
        }
    }

    @Test
    void encryptedStateWithoutItsKeyIsAClearError() throws Exception {
        start().close();
        Files.delete(key());
        PlatformTpmException e = assertThrows(PlatformTpmException.class, this::start);
        assertTrue(e.getMessage().contains("is encrypted, but its key file " + key() + " is missing"), e.getMessage());
        assertTrue(e.getMessage().contains("enroll the node again"), e.getMessage());
        assertFalse(Files.exists(key()), "no new key replaces the lost one");
    }

    @Test
    void aWrongKeyDoesNotOpenTheState() throws Exception {
        start().close();
        byte[] other = new byte[32];
        Arrays.fill(other, (byte) 7);
        Files.write(key(), other);
        PlatformTpmException e = assertThrows(PlatformTpmException.class, this::start);
        assertTrue(e.getMessage().contains("emulated platform TPM"), e.getMessage());
    }

    @Test
    void plainStateOfAnOlderManagerIsEncryptedOnceKeepingEkAndAk() throws Exception {
        AttestationKey ak;
        byte[] ek;
        try (EmulatedPlatformTpm plain = EmulatedPlatformTpm.start(state(), temp.resolve("run"), TestTpms.TIMEOUT)) {
            ak = plain.attestationKey();
            ek = plain.endorsementKeyPublic();
        }
        assertEquals(PlatformTpmStateKey.Condition.PLAIN, PlatformTpmStateKey.condition(state()));
        try (EmulatedPlatformTpm tpm = start()) {
            assertEquals(ak, tpm.attestationKey(), "the enrolled AK stays");
            assertArrayEquals(ek, tpm.endorsementKeyPublic());
        }
        assertEquals(PlatformTpmStateKey.Condition.ENCRYPTED, PlatformTpmStateKey.condition(state()));
        assertEquals(List.of("state", "keys", "run"), List.of("state", "keys", "run").stream().filter(name -> Files.exists(temp.resolve(name)))
                .toList());
        try (var left = Files.list(temp)) {
            assertEquals(List.of(), left.map(path -> path.getFileName().toString()).filter(name -> name.startsWith("state.")).toList(),
                    "no plain copy is left behind");
        }
    }

    @Test
    void aKeyInsideTheStateDirectoryIsRefused() {
        PlatformTpmException e = assertThrows(PlatformTpmException.class, () -> EmulatedPlatformTpm.start(state(), temp.resolve("run"),
                TestTpms.TIMEOUT, EmulatedPlatformTpm.DEFAULT_SWTPM, state().resolve("key")));
        assertTrue(e.getMessage().contains("lies in its state directory"), e.getMessage());
    }

    @Test
    void aKeyOthersCanReadOrOfTheWrongSizeIsRefused() throws Exception {
        Files.createDirectories(key().getParent());
        Files.write(key(), new byte[32]);
        Files.setPosixFilePermissions(key(), PosixFilePermissions.fromString("rw-r--r--"));
        assertTrue(assertThrows(PlatformTpmException.class, this::start).getMessage().contains("chmod 600"));
        Files.setPosixFilePermissions(key(), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(key(), "a passphrase", StandardCharsets.UTF_8);
        assertTrue(assertThrows(PlatformTpmException.class, this::start).getMessage().contains("32-byte key"));
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }
}
