package org.vtpcm.manager.migration;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.vtpcm.manager.migration.TransferException.Reason;

/**
 * The chunks of incoming state bundles on disk, so that memory stays bounded while they arrive:
 * {@code <root>/<migrationId>/<index>.part}, each written to a temporary file and renamed, and a
 * {@code layout} file with the chunk count and bundle length the first chunk announced. A chunk
 * sent again with the same content is a retry and changes nothing; with other content it is refused.
 */
public final class BundleSpool {
    private static final String LAYOUT = "layout";
    private static final String PART = ".part";

    private final Path root;
    private final Map<UUID, Object> locks = new ConcurrentHashMap<>();

    /** Whether a chunk was new or a retry of one already stored. */
    public enum Stored { NEW, DUPLICATE }

    public BundleSpool(Path root) {
        this.root = requireNonNull(root, "root is null");
    }

    /** Stores chunk {@code index} of a bundle of {@code count} chunks and {@code length} bytes. */
    public Stored put(UUID migrationId, int index, int count, long length, byte[] chunk) {
        Path folder = folder(migrationId);
        Path target = folder.resolve(index + PART);
        Path temporary = folder.resolve(index + PART + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(folder);
            Files.write(temporary, chunk, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            synchronized (lock(migrationId)) {
                checkLayout(migrationId, count, length);
                if (Files.exists(target)) {
                    if (!MessageDigest.isEqual(Sha256.of(Files.readAllBytes(target)), Sha256.of(chunk))) {
                        throw new TransferException(Reason.CHUNK_CONFLICT, "migration " + migrationId + ": chunk " + index
                                + " was already received with another SHA-256");
                    }
                    return Stored.DUPLICATE;
                }
                long stored = storedBytes(folder);
                if (stored + chunk.length > length) {
                    throw new TransferException(Reason.INVALID_CHUNK, "migration " + migrationId + ": chunk " + index + " would bring "
                            + (stored + chunk.length) + " bytes, more than the announced bundle length " + length);
                }
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
                return Stored.NEW;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spool chunk " + index + " of migration " + migrationId, e);
        } finally {
            deleteQuietly(temporary);
        }
    }

    /** The chunk indexes below {@code count} not received yet. */
    public List<Integer> missing(UUID migrationId, int count) {
        List<Integer> missing = new ArrayList<>();
        for (int index = 0; index < count; index++) {
            if (!Files.exists(folder(migrationId).resolve(index + PART))) {
                missing.add(index);
            }
        }
        return missing;
    }

    /**
     * The whole bundle, in chunk order.
     *
     * @throws TransferException CHUNKS_MISSING, CHUNK_CONFLICT for another layout, BUNDLE_DIGEST_MISMATCH for another length
     */
    public byte[] assemble(UUID migrationId, int count, long length) {
        synchronized (lock(migrationId)) {
            List<Integer> missing = missing(migrationId, count);
            if (!missing.isEmpty()) {
                throw new TransferException(Reason.CHUNKS_MISSING, "migration " + migrationId + ": " + missing.size() + " of " + count
                        + " chunks have not arrived", missing.stream().limit(32).map(index -> "missing chunk " + index).toList());
            }
            checkLayout(migrationId, count, length);
            Path folder = folder(migrationId);
            try {
                long stored = storedBytes(folder);
                if (stored != length) {
                    throw new TransferException(Reason.BUNDLE_DIGEST_MISMATCH, "migration " + migrationId + ": the chunks hold "
                            + stored + " bytes, the bundle was announced with " + length);
                }
                byte[] bundle = new byte[Math.toIntExact(length)];
                int offset = 0;
                for (int index = 0; index < count; index++) {
                    try (InputStream in = Files.newInputStream(folder.resolve(index + PART))) {
                        offset += in.readNBytes(bundle, offset, bundle.length - offset);
                    }
                }
                return bundle;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the spooled chunks of migration " + migrationId, e);
            }
        }
    }

    /** Removes everything spooled for a migration; nothing to do if there is nothing. */
    public void delete(UUID migrationId) {
        synchronized (lock(migrationId)) {
            deleteTree(folder(migrationId));
        }
        locks.remove(migrationId);
    }

    /** Removes every spool: at start-up, when no migration is prepared (they are held in memory). */
    public void clear() {
        deleteTree(root);
    }

    private void checkLayout(UUID migrationId, int count, long length) {
        Path file = folder(migrationId).resolve(LAYOUT);
        String wanted = count + " " + length;
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                Path temporary = file.resolveSibling(LAYOUT + "." + UUID.randomUUID() + ".tmp");
                Files.writeString(temporary, wanted, StandardCharsets.US_ASCII);
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
                return;
            }
            String announced = Files.readString(file, StandardCharsets.US_ASCII);
            if (!announced.equals(wanted)) {
                String[] parts = announced.split(" ");
                throw new TransferException(Reason.CHUNK_CONFLICT, "migration " + migrationId + ": the bundle was announced as "
                        + parts[0] + " chunks of " + parts[1] + " bytes in all, not " + count + " chunks of " + length);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the chunk layout of migration " + migrationId, e);
        }
    }

    private static long storedBytes(Path folder) throws IOException {
        long total = 0;
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(path -> path.getFileName().toString().endsWith(PART)).toList()) {
                total += Files.size(file);
            }
        }
        return total;
    }

    private Path folder(UUID migrationId) {
        return root.resolve(migrationId.toString());
    }

    private Object lock(UUID migrationId) {
        return locks.computeIfAbsent(migrationId, id -> new Object());
    }

    private static void deleteTree(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (NoSuchFileException e) {
            // removed concurrently: nothing left to do
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + folder, e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a leftover temporary file is removed with the spool
        }
    }
}
