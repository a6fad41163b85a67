package org.vtpcm.collector.store;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.protocol.crypto.CryptoSuite;

/**
 * The node's encrypted store of FROZEN / STAGED vTPCM state, one file per snapshot, so a node that
 * crashes during a migration can recover. Each file is sealed (AEAD) under the node's store key
 * and bound to its own name; see {@link SnapshotCodec} for the format.
 *
 * <p>Crash safety: {@link #write} is atomic and durable (temp file, fsync, atomic rename, fsync of
 * the directory), so a final name {@code <vtpcmId>-<kind>-<epoch>.snap} always holds a complete
 * snapshot; leftovers of an interrupted write or delete are {@code .snap-*.tmp} files that
 * {@link #recover()} removes at start-up.
 *
 * <p>Threads of one process may share an instance, except that {@link #recover()} must run before
 * any write (it removes in-progress temp files). One directory belongs to one store instance.
 * I/O failures surface as {@link UncheckedIOException}; untrustworthy files as
 * {@link SnapshotCorruptException}.
 */
public final class SnapshotStore {
    /** Largest payload {@link #write} accepts: 64 MiB. */
    public static final int MAX_PAYLOAD_BYTES = SnapshotCodec.MAX_PAYLOAD_BYTES;

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);

    private final Path directory;
    private final CryptoSuite suite;
    private final byte[] storeKey;
    private final Clock clock;
    private final RetentionPolicy retention;

    /**
     * Opens (creating it with mode 0700 if needed) the store in {@code directory}.
     *
     * @param storeKey the node's sealing key, {@link CryptoSuite#symmetricKeyLength()} bytes; copied
     * @param clock    "now" for {@link #applyRetention()}
     */
    public SnapshotStore(Path directory, CryptoSuite suite, byte[] storeKey, Clock clock, RetentionPolicy retention) {
        this.directory = requireNonNull(directory, "directory is null");
        this.suite = requireNonNull(suite, "suite is null");
        requireNonNull(storeKey, "storeKey is null");
        if (storeKey.length != suite.symmetricKeyLength()) {
            throw new IllegalArgumentException("store key must be " + suite.symmetricKeyLength() + " bytes for suite "
                    + suite.name() + ", was " + storeKey.length);
        }
        this.storeKey = storeKey.clone();
        this.clock = requireNonNull(clock, "clock is null");
        this.retention = requireNonNull(retention, "retention is null");
        try {
            DurableFiles.ensurePrivateDirectory(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create snapshot directory " + directory, e);
        }
    }

    public Path directory() {
        return directory;
    }

    /**
     * Stores {@code snapshot} atomically and durably under its id's file name, replacing a
     * snapshot with the same id. When this returns, the snapshot survives a crash or power loss.
     * If it throws, the snapshot may or may not be stored, but never partially.
     *
     * @throws IllegalArgumentException if the payload exceeds {@link #MAX_PAYLOAD_BYTES}
     */
    public void write(Snapshot snapshot) {
        requireNonNull(snapshot, "snapshot is null");
        if (snapshot.payloadLength() > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("snapshot payload of " + snapshot.payloadLength()
                    + " bytes exceeds the limit of " + MAX_PAYLOAD_BYTES + " bytes");
        }
        String name = snapshot.id().fileName();
        byte[] content = SnapshotCodec.seal(suite, storeKey, snapshot);
        try {
            DurableFiles.writeAtomically(directory, name, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write snapshot " + name + " in " + directory, e);
        }
    }

    /**
     * The snapshot stored under {@code id}, or empty if there is none.
     *
     * @throws SnapshotCorruptException if the file exists but fails authentication or parsing
     */
    public Optional<Snapshot> read(SnapshotId id) {
        requireNonNull(id, "id is null");
        return readFile(id).map(content -> SnapshotCodec.open(suite, storeKey, id, content));
    }

    /** Every snapshot in the store, by vTPCM, kind and epoch; temp and foreign files are ignored. */
    public List<SnapshotId> list() {
        List<SnapshotId> ids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                SnapshotId.fromFileName(entry.getFileName().toString()).ifPresent(ids::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list snapshot directory " + directory, e);
        }
        ids.sort(Comparator.naturalOrder());
        return List.copyOf(ids);
    }

    /** The snapshots of one vTPCM, by kind and epoch. */
    public List<SnapshotId> list(UUID vtpcmId) {
        requireNonNull(vtpcmId, "vtpcmId is null");
        return list().stream().filter(id -> id.vtpcmId().equals(vtpcmId)).toList();
    }

    /**
     * The highest-epoch snapshot of this vTPCM and kind that reads correctly. A corrupt newer one
     * is skipped with a warning (our write protocol should make that impossible).
     */
    public Optional<Snapshot> latest(UUID vtpcmId, SnapshotKind kind) {
        requireNonNull(kind, "kind is null");
        List<SnapshotId> candidates = list(vtpcmId).stream().filter(id -> id.kind() == kind)
                .sorted(Comparator.comparingLong(SnapshotId::epoch).reversed()).toList();
        for (SnapshotId id : candidates) {
            try {
                Optional<Snapshot> snapshot = read(id);
                if (snapshot.isPresent()) {
                    return snapshot;
                }
            } catch (SnapshotCorruptException e) {
                LOG.warn("skipping unreadable snapshot: {}", e.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * The state to resume from: {@link #latest}.
     *
     * @throws NoSuchElementException if this vTPCM has no readable snapshot of this kind
     */
    public Snapshot restore(UUID vtpcmId, SnapshotKind kind) {
        return latest(vtpcmId, kind).orElseThrow(() -> new NoSuchElementException(
                "no readable " + kind.token() + " snapshot of vTPCM " + vtpcmId + " in " + directory));
    }

    /** Destroys the snapshot (zero overwrite, fsync, unlink); does nothing if it is absent. */
    public void delete(SnapshotId id) {
        requireNonNull(id, "id is null");
        destroy(id);
    }

    /**
     * Start-up clean-up after a crash: removes the temp files of interrupted writes and deletes,
     * never a final-named snapshot. Call before the first write. Returns how many were removed.
     */
    public int recover() {
        List<Path> leftovers = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory,
                entry -> DurableFiles.isTemp(entry.getFileName().toString())
                        && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS))) {
            entries.forEach(leftovers::add);
            for (Path leftover : leftovers) {
                DurableFiles.shred(leftover);
            }
            if (!leftovers.isEmpty()) {
                DurableFiles.forceDirectory(directory);
                LOG.info("removed {} unfinished snapshot file(s) from {}", leftovers.size(), directory);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean up snapshot directory " + directory, e);
        }
        return leftovers.size();
    }

    /**
     * Per vTPCM and kind, keeps the newest {@link RetentionPolicy#keepPerVtpcm()} snapshots (by
     * epoch) and, among those, drops any created more than {@link RetentionPolicy#maxAge()} ago.
     * Returns how many snapshots were deleted.
     */
    public int applyRetention() {
        Instant oldestAllowed = clock.instant().minus(retention.maxAge());
        Map<Series, List<SnapshotId>> groups = new LinkedHashMap<>();
        for (SnapshotId id : list()) {
            groups.computeIfAbsent(new Series(id.vtpcmId(), id.kind()), k -> new ArrayList<>()).add(id);
        }
        int deleted = 0;
        for (List<SnapshotId> group : groups.values()) {
            group.sort(Comparator.comparingLong(SnapshotId::epoch).reversed());
            for (int i = 0; i < group.size(); i++) {
                SnapshotId id = group.get(i);
                boolean drop = i >= retention.keepPerVtpcm()
                        || createdAt(id).map(created -> created.isBefore(oldestAllowed)).orElse(false);
                if (drop && destroy(id)) {
                    deleted++;
                }
            }
        }
        return deleted;
    }

    /** The unit retention counts in: one vTPCM's snapshots of one kind. */
    private record Series(UUID vtpcmId, SnapshotKind kind) {
    }

    /** Creation time for retention: the authenticated one, or the file's mtime if it does not read. */
    private Optional<Instant> createdAt(SnapshotId id) {
        try {
            return read(id).map(Snapshot::createdAt);
        } catch (SnapshotCorruptException e) {
            LOG.warn("ageing unreadable snapshot by its file time: {}", e.getMessage());
            try {
                return Optional.of(Files.getLastModifiedTime(directory.resolve(id.fileName()), LinkOption.NOFOLLOW_LINKS)
                        .toInstant());
            } catch (NoSuchFileException gone) {
                return Optional.empty();
            } catch (IOException io) {
                throw new UncheckedIOException("cannot stat snapshot " + id.fileName(), io);
            }
        }
    }

    private boolean destroy(SnapshotId id) {
        try {
            return DurableFiles.destroy(directory, directory.resolve(id.fileName()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete snapshot " + id.fileName() + " in " + directory, e);
        }
    }

    /** The raw file content; empty if absent. Only regular files of plausible size are read. */
    private Optional<byte[]> readFile(SnapshotId id) {
        Path file = directory.resolve(id.fileName());
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isRegularFile()) {
                throw new SnapshotCorruptException("snapshot file " + id.fileName() + " is not a regular file");
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                long size = channel.size();
                if (size > SnapshotCodec.MAX_FILE_BYTES) {
                    throw new SnapshotCorruptException("snapshot file " + id.fileName() + " is too large (" + size + " bytes)");
                }
                ByteBuffer content = ByteBuffer.allocate((int) size);
                while (content.hasRemaining() && channel.read(content) >= 0) {
                    // a short read can only mean the file shrank; authentication then rejects it
                }
                return Optional.of(content.hasRemaining() ? Arrays.copyOf(content.array(), content.position())
                        : content.array());
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read snapshot " + id.fileName() + " in " + directory, e);
        }
    }
}
