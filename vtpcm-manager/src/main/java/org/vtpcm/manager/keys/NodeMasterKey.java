package org.vtpcm.manager.keys;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import org.vtpcm.protocol.crypto.CryptoSuite;

/**
 * The node's master key: seals every vTPCM's identity key and TPM-state key at rest. Kept in a
 * 0600 file in the manager's state folder. On a host with a device TPM this is where the key would
 * be sealed to the TPM instead; the lab has only an emulated TPM, so the file is the root.
 */
public final class NodeMasterKey {
    private static final int LENGTH = 32;

    private final CryptoSuite suite;
    private final byte[] sealingKey;
    private final byte[] snapshotKey;

    private NodeMasterKey(CryptoSuite suite, byte[] master) {
        this.suite = suite;
        // a suite-sized sealing key derived from the master, so the file serves both suites
        byte[] derived = suite.digest(concat(master, "vtpcm node sealing key".getBytes(StandardCharsets.US_ASCII)));
        this.sealingKey = Arrays.copyOf(derived, suite.symmetricKeyLength());
        byte[] forSnapshots = suite.digest(concat(master, "vtpcm snapshot store key".getBytes(StandardCharsets.US_ASCII)));
        this.snapshotKey = Arrays.copyOf(forSnapshots, suite.symmetricKeyLength());
        Arrays.fill(master, (byte) 0);
    }

    /** Loads the key file, creating it (atomically, 0600) on first start. */
    public static NodeMasterKey loadOrCreate(Path file, CryptoSuite suite) {
        requireNonNull(file, "file is null");
        requireNonNull(suite, "suite is null");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                byte[] fresh = new byte[LENGTH];
                new SecureRandom().nextBytes(fresh);
                Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), ".master", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(temporary, fresh);
                try (var channel = java.nio.channels.FileChannel.open(temporary, java.nio.file.StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
                Arrays.fill(fresh, (byte) 0);
            }
            byte[] master = Files.readAllBytes(file);
            if (master.length != LENGTH) {
                throw new IllegalStateException("node master key " + file + " is damaged (" + master.length + " bytes, expected "
                        + LENGTH + "); restore it from backup: without it no vTPCM on this node can be opened");
            }
            return new NodeMasterKey(suite, master);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create node master key " + file + ": " + e.getMessage(), e);
        }
    }

    /** The key of the node's snapshot store (derived, so one master key file serves every use). */
    public byte[] snapshotStoreKey() {
        return snapshotKey.clone();
    }

    public byte[] seal(byte[] plaintext, byte[] associatedData) {
        return suite.seal(sealingKey, plaintext, associatedData);
    }

    public byte[] open(byte[] sealed, byte[] associatedData) {
        return suite.open(sealingKey, sealed, associatedData);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] joined = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }
}
