package org.vtpcm.attestation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Set;

/**
 * The key that encrypts the emulated platform TPM's state (its EK and AK) at rest: 32 random bytes
 * in a 0600 file kept apart from the state directory, so that a copy of the state alone does not
 * give the node's identity away. Also tells whether a state directory holds plain or encrypted state.
 */
final class PlatformTpmStateKey {
    /** AES-256. */
    static final int BYTES = 32;
    /** swtpm's file of the TPM's permanent state (EK, AK, persistent handles, NV). */
    static final String PERMANENT_STATE = "tpm2-00.permall";
    /** swtpm's state blob header: version, min version, header size (2), flags (2), total length (4). */
    private static final int HEADER_BYTES = 10;
    private static final int HEADER_VERSION = 2;
    /** BLOB_FLAG_ENCRYPTED in swtpm's state blob header. */
    private static final int FLAG_ENCRYPTED = 0x1;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** What a state directory holds. */
    enum Condition { ABSENT, PLAIN, ENCRYPTED }

    private PlatformTpmStateKey() {
    }

    static Condition condition(Path stateDirectory) {
        Path file = stateDirectory.resolve(PERMANENT_STATE);
        if (!Files.isRegularFile(file)) {
            return Condition.ABSENT;
        }
        byte[] header = new byte[HEADER_BYTES];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(header, 0, HEADER_BYTES) != HEADER_BYTES || header[0] != HEADER_VERSION) {
                throw new PlatformTpmException("the emulated platform TPM's state file " + file + " has an unknown format (not swtpm 0.7's)");
            }
        } catch (IOException e) {
            throw new PlatformTpmException("cannot read the emulated platform TPM's state file " + file + ": " + e.getMessage(), e);
        }
        int flags = (header[4] & 0xff) << 8 | header[5] & 0xff;
        return (flags & FLAG_ENCRYPTED) != 0 ? Condition.ENCRYPTED : Condition.PLAIN;
    }

    /** Creates the key file atomically with 0600 in a 0700 folder; never overwrites one. */
    static void create(Path keyFile) {
        Path folder = keyFile.toAbsolutePath().normalize().getParent();
        byte[] key = new byte[BYTES];
        try {
            if (!Files.isDirectory(folder)) {
                Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            new SecureRandom().nextBytes(key);
            Path temporary = Files.createTempFile(folder, ".platform-tpm", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            try {
                Files.write(temporary, key);
                try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
                Files.move(temporary, keyFile, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new PlatformTpmException("cannot create the platform TPM's state key file " + keyFile + ": " + e.getMessage(), e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** The key file must hold exactly 32 bytes and be readable by its owner only. */
    static void check(Path keyFile) {
        try {
            if (!OWNER_ONLY.containsAll(Files.getPosixFilePermissions(keyFile))) {
                throw new PlatformTpmException("the platform TPM's state key file " + keyFile + " is readable by others than its owner: "
                        + "chmod 600 it");
            }
            if (Files.size(keyFile) != BYTES) {
                throw new PlatformTpmException("the platform TPM's state key file " + keyFile + " does not hold a " + BYTES + "-byte key");
            }
        } catch (IOException e) {
            throw new PlatformTpmException("cannot read the platform TPM's state key file " + keyFile + ": " + e.getMessage(), e);
        }
    }
}
