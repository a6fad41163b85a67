package org.vtpcm.collector.store;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;

/**
 * The crash-safety primitives of the store (Linux semantics): a file appears under its final name
 * only complete and on disk, and a file being destroyed leaves its final name first.
 */
final class DurableFiles {
    /** Every in-progress file is named {@code .snap-*.tmp}: never a valid final name, found again by {@link #isTemp}. */
    static final String TEMP_PREFIX = ".snap-";
    static final String TEMP_SUFFIX = ".tmp";
    static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    private static final FileAttribute<Set<PosixFilePermission>> FILE_0600 = PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE);
    private static final FileAttribute<Set<PosixFilePermission>> DIR_0700 = PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR);
    private static final int ZERO_CHUNK = 64 * 1024;

    private DurableFiles() {
    }

    static boolean isTemp(String fileName) {
        return fileName.startsWith(TEMP_PREFIX) && fileName.endsWith(TEMP_SUFFIX);
    }

    /** Creates {@code dir} (0700) if missing and tightens it to 0700 if it exists: the store owns it. */
    static void ensurePrivateDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, DIR_0700);
        }
        Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
    }

    /**
     * Writes {@code content} to a fresh 0600 temp file in {@code dir}, forces it to disk, renames it
     * atomically to {@code finalName} (replacing any file of that name) and forces the directory,
     * so after a crash the name shows either nothing/the old file, or the complete new one.
     */
    static void writeAtomically(Path dir, String finalName, byte[] content) throws IOException {
        Path temp = Files.createTempFile(dir, TEMP_PREFIX, TEMP_SUFFIX, FILE_0600);
        boolean renamed = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, WRITE, LinkOption.NOFOLLOW_LINKS)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true); // data before the rename, or a crash could expose an empty final file
            }
            Files.move(temp, dir.resolve(finalName), ATOMIC_MOVE);
            renamed = true;
            forceDirectory(dir); // makes the rename itself durable
        } finally {
            if (!renamed) {
                deleteQuietly(temp);
            }
        }
    }

    /**
     * Destroys {@code file} if present: renames it to a temp name first (so a crash mid-way never
     * leaves a zeroed file under a final name; {@code recover} finishes the job), overwrites it with
     * zeros, forces, deletes, forces the directory. Returns whether the file existed.
     * Zeroing is best effort on journaling or flash storage; the encryption is the real protection.
     */
    static boolean destroy(Path dir, Path file) throws IOException {
        Path doomed = dir.resolve(TEMP_PREFIX + "del-" + UUID.randomUUID() + TEMP_SUFFIX);
        try {
            Files.move(file, doomed, ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return false;
        }
        forceDirectory(dir);
        shred(doomed);
        forceDirectory(dir);
        return true;
    }

    /** Overwrites a file (not a final snapshot name) with zeros, forces it and deletes it. */
    static void shred(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, WRITE, LinkOption.NOFOLLOW_LINKS)) {
            long size = channel.size();
            ByteBuffer zeros = ByteBuffer.allocate(ZERO_CHUNK);
            for (long position = 0; position < size; ) {
                zeros.clear().limit((int) Math.min(ZERO_CHUNK, size - position));
                position += channel.write(zeros, position);
            }
            channel.force(true);
        } catch (NoSuchFileException e) {
            return;
        }
        Files.deleteIfExists(file);
    }

    /** fsync of the directory itself: how Linux makes creates, renames and deletes durable. */
    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, READ)) {
            channel.force(true);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a leftover temp file is harmless: recover() removes it at the next start
        }
    }
}
