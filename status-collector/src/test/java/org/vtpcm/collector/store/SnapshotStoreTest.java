package org.vtpcm.collector.store;

import org.vtpcm.protocol.time.ManualClock;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.crypto.SuiteName;

class SnapshotStoreTest {
    private static final UUID VTPCM = UUID.fromString("0f8c2f4e-1b2a-4c3d-9e8f-0123456789ab");
    private static final UUID OTHER_VTPCM = UUID.fromString("7a000000-0000-4000-8000-000000000001");
    private static final UUID MIGRATION = UUID.fromString("3c9d0000-0000-4000-8000-00000000000c");
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    @TempDir
    Path folder;

    private final ManualClock clock = new ManualClock(NOW);

    private SnapshotStore store(SuiteName suite, byte[] key) {
        return new SnapshotStore(folder.resolve("snapshots"), CryptoSuites.of(suite), key, clock, RetentionPolicy.defaults());
    }

    private static byte[] key(SuiteName suite, int seed) {
        byte[] key = new byte[CryptoSuites.of(suite).symmetricKeyLength()];
        new Random(seed).nextBytes(key);
        return key;
    }

    private SnapshotStore store(SuiteName suite) {
        return store(suite, key(suite, 1));
    }

    private static Snapshot snapshot(UUID vtpcm, SnapshotKind kind, long epoch, int size) {
        byte[] payload = new byte[size];
        new Random(epoch * 31 + size).nextBytes(payload);
        return new Snapshot(new SnapshotId(vtpcm, kind, epoch), MIGRATION, NOW.plusNanos(epoch), payload);
    }

    private static Snapshot frozen(long epoch) {
        return snapshot(VTPCM, SnapshotKind.FROZEN, epoch, 1000);
    }

    private Path fileOf(SnapshotStore store, SnapshotId id) {
        return store.directory().resolve(id.fileName());
    }

    private static Set<String> namesIn(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void roundTripsEveryField(SuiteName suite) {
        SnapshotStore store = store(suite);
        Snapshot written = new Snapshot(new SnapshotId(VTPCM, SnapshotKind.STAGED, 12), MIGRATION,
                Instant.parse("2025-01-02T03:04:05.123456789Z"), new byte[] {0, 1, 2, (byte) 0xff});
        store.write(written);
        Snapshot read = store.read(written.id()).orElseThrow();
        assertEquals(written, read);
        assertArrayEquals(new byte[] {0, 1, 2, (byte) 0xff}, read.payload());
        assertEquals(written, store.restore(VTPCM, SnapshotKind.STAGED));
        assertEquals(List.of(written.id()), store.list());
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void roundTripsEmptyAndLargerPayloads(SuiteName suite) {
        SnapshotStore store = store(suite);
        for (int size : new int[] {0, 1, 4 * 1024 * 1024 + 3}) {
            Snapshot written = snapshot(VTPCM, SnapshotKind.FROZEN, size, size);
            store.write(written);
            assertEquals(Optional.of(written), store.read(written.id()));
        }
    }

    @Test
    void storedBytesAreNotThePlaintext() throws IOException {
        SnapshotStore store = store(SuiteName.NIST);
        byte[] marker = "TPM-STATE-MARKER-TPM-STATE-MARKER".getBytes(StandardCharsets.US_ASCII);
        Snapshot written = new Snapshot(new SnapshotId(VTPCM, SnapshotKind.FROZEN, 1), MIGRATION, NOW, marker);
        store.write(written);
        String onDisk = new String(Files.readAllBytes(fileOf(store, written.id())), StandardCharsets.ISO_8859_1);
        assertFalse(onDisk.contains("TPM-STATE-MARKER"));
    }

    @Test
    void readOfAbsentSnapshotIsEmpty() {
        assertEquals(Optional.empty(), store(SuiteName.NIST).read(new SnapshotId(VTPCM, SnapshotKind.FROZEN, 1)));
    }

    @Test
    void writeReplacesTheSnapshotWithTheSameId() {
        SnapshotStore store = store(SuiteName.NIST);
        store.write(frozen(1));
        Snapshot replacement = new Snapshot(frozen(1).id(), UUID.randomUUID(), NOW, new byte[] {7});
        store.write(replacement);
        assertEquals(Optional.of(replacement), store.read(replacement.id()));
        assertEquals(1, store.list().size());
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void anyFlippedByteMakesTheFileCorrupt(SuiteName suite) throws IOException {
        SnapshotStore store = store(suite);
        Snapshot written = frozen(5);
        store.write(written);
        Path file = fileOf(store, written.id());
        byte[] original = Files.readAllBytes(file);
        // prefix (magic, version, suite), nonce, ciphertext, tag
        for (int position : new int[] {0, 4, 5, 6, 17, 18, 60, original.length / 2, original.length - 17, original.length - 1}) {
            byte[] tampered = original.clone();
            tampered[position] ^= 0x01;
            Files.write(file, tampered);
            SnapshotCorruptException e = assertThrows(SnapshotCorruptException.class, () -> store.read(written.id()),
                    "flipped byte " + position);
            assertTrue(e.getMessage().contains(written.id().fileName()), e.getMessage());
        }
        Files.write(file, original);
        assertEquals(Optional.of(written), store.read(written.id()));
    }

    @Test
    void truncatedOrEmptyFileIsCorrupt() throws IOException {
        SnapshotStore store = store(SuiteName.NIST);
        Snapshot written = frozen(5);
        store.write(written);
        Path file = fileOf(store, written.id());
        byte[] original = Files.readAllBytes(file);
        for (int length : new int[] {0, 3, 6, 33, original.length - 1}) {
            Files.write(file, Arrays.copyOf(original, length));
            assertThrows(SnapshotCorruptException.class, () -> store.read(written.id()), "length " + length);
        }
        Files.write(file, Arrays.copyOf(original, original.length + 1));
        assertThrows(SnapshotCorruptException.class, () -> store.read(written.id()), "trailing byte");
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void fileRenamedToAnotherIdIsCorrupt(SuiteName suite) throws IOException {
        SnapshotStore store = store(suite);
        Snapshot written = frozen(1);
        store.write(written);
        for (SnapshotId other : List.of(new SnapshotId(VTPCM, SnapshotKind.FROZEN, 2),
                new SnapshotId(VTPCM, SnapshotKind.STAGED, 1), new SnapshotId(OTHER_VTPCM, SnapshotKind.FROZEN, 1))) {
            Files.copy(fileOf(store, written.id()), fileOf(store, other));
            SnapshotCorruptException e = assertThrows(SnapshotCorruptException.class, () -> store.read(other));
            assertTrue(e.getMessage().contains("failed authentication"), e.getMessage());
        }
        assertEquals(Optional.of(written), store.read(written.id()));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void wrongKeyIsCorruptAndTheMessageHoldsNoKey(SuiteName suite) {
        byte[] right = key(suite, 1);
        byte[] wrong = key(suite, 2);
        store(suite, right).write(frozen(1));
        SnapshotCorruptException e = assertThrows(SnapshotCorruptException.class,
                () -> store(suite, wrong).read(frozen(1).id()));
        String message = e.getMessage().toLowerCase(Locale.ROOT);
        assertFalse(message.contains(HexFormat.of().formatHex(right)) || message.contains(HexFormat.of().formatHex(wrong)));
        assertFalse(message.contains(HexFormat.of().formatHex(right, 0, 4)), message);
    }

    @Test
    void fileOfAnotherSuiteIsCorrupt() {
        store(SuiteName.SM).write(frozen(1));
        SnapshotCorruptException e = assertThrows(SnapshotCorruptException.class,
                () -> store(SuiteName.NIST).read(frozen(1).id()));
        assertTrue(e.getMessage().contains("suite"), e.getMessage());
    }

    @Test
    void keyIsCopiedAndValidated() {
        byte[] key = key(SuiteName.NIST, 1);
        SnapshotStore store = store(SuiteName.NIST, key);
        store.write(frozen(1));
        Arrays.fill(key, (byte) 0);
        assertEquals(Optional.of(frozen(1)), store.read(frozen(1).id()));
        assertThrows(IllegalArgumentException.class, () -> store(SuiteName.NIST, new byte[16]));
        assertThrows(IllegalArgumentException.class, () -> store(SuiteName.SM, new byte[32]));
    }

    @Test
    void latestIsTheHighestEpochOfThatVtpcmAndKind() {
        SnapshotStore store = store(SuiteName.NIST);
        assertEquals(Optional.empty(), store.latest(VTPCM, SnapshotKind.FROZEN));
        for (long epoch : new long[] {3, 10, 9}) {
            store.write(frozen(epoch));
        }
        store.write(snapshot(VTPCM, SnapshotKind.STAGED, 20, 10));
        store.write(snapshot(OTHER_VTPCM, SnapshotKind.FROZEN, 30, 10));
        assertEquals(frozen(10), store.latest(VTPCM, SnapshotKind.FROZEN).orElseThrow());
        assertEquals(20, store.restore(VTPCM, SnapshotKind.STAGED).id().epoch());
        assertEquals(30, store.restore(OTHER_VTPCM, SnapshotKind.FROZEN).id().epoch());
        assertEquals(Optional.empty(), store.latest(OTHER_VTPCM, SnapshotKind.STAGED));
    }

    @Test
    void latestSkipsACorruptNewerSnapshot() throws IOException {
        SnapshotStore store = store(SuiteName.NIST);
        store.write(frozen(1));
        store.write(frozen(2));
        store.write(frozen(3));
        Files.write(fileOf(store, frozen(3).id()), new byte[] {1, 2, 3});
        assertEquals(frozen(2), store.latest(VTPCM, SnapshotKind.FROZEN).orElseThrow());
        assertEquals(3, store.list(VTPCM).size());
    }

    @Test
    void restoreWithoutSnapshotNamesWhatIsMissing() {
        SnapshotStore store = store(SuiteName.NIST);
        store.write(frozen(1));
        NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> store.restore(VTPCM, SnapshotKind.STAGED));
        assertTrue(e.getMessage().contains("staged") && e.getMessage().contains(VTPCM.toString()), e.getMessage());
    }

    @Test
    void listShowsOnlyFinalNamesInOrder() throws IOException {
        SnapshotStore store = store(SuiteName.NIST);
        store.write(snapshot(OTHER_VTPCM, SnapshotKind.FROZEN, 1, 10));
        store.write(frozen(10));
        store.write(frozen(2));
        store.write(snapshot(VTPCM, SnapshotKind.STAGED, 1, 10));
        Path dir = store.directory();
        Files.write(dir.resolve(".snap-123.tmp"), new byte[] {1});
        Files.write(dir.resolve(".snap-del-456.tmp"), new byte[] {1});
        Files.write(dir.resolve("notes.txt"), new byte[] {1});
        Files.write(dir.resolve(frozen(4).id().fileName().toUpperCase(Locale.ROOT)), new byte[] {1});
        Files.createDirectory(dir.resolve("sub"));
        assertEquals(List.of(frozen(2).id(), frozen(10).id(), new SnapshotId(VTPCM, SnapshotKind.STAGED, 1),
                new SnapshotId(OTHER_VTPCM, SnapshotKind.FROZEN, 1)), store.list());
        assertEquals(List.of(new SnapshotId(OTHER_VTPCM, SnapshotKind.FROZEN, 1)), store.list(OTHER_VTPCM));
        assertEquals(List.of(), store.list(UUID.randomUUID()));
    }

    @Test
    void recoverRemovesLeftoverTempFilesAndNothingElse() throws IOException {
        SnapshotStore store = store(SuiteName.NIST);
        store.write(frozen(1));
        Path dir = store.directory();
        Files.write(dir.resolve(".snap-123.tmp"), new byte[1000]);
        Files.write(dir.resolve(".snap-del-456.tmp"), new byte[10]);
        Files.write(dir.resolve("notes.txt"), new byte[] {1});
        Files.createDirectory(dir.resolve(".snap-dir.tmp"));

        SnapshotStore restarted = store(SuiteName.NIST);
        assertEquals(2, restarted.recover());
        assertEquals(Set.of(frozen(1).id().fileName(), "notes.txt", ".snap-dir.tmp"), namesIn(dir));
        assertEquals(Optional.of(frozen(1)), restarted.read(frozen(1).id()));
        assertEquals(0, restarted.recover());
    }

    @Test
    void directoryIs0700AndFilesAre0600() throws IOException {
        SnapshotStore store = store(SuiteName.NIST);
        store.write(frozen(1));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.directory())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fileOf(store, frozen(1).id()))));
    }

    @Test
    void anExistingWiderDirectoryIsTightenedTo0700() throws IOException {
        Path dir = Files.createDirectories(folder.resolve("a/b"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        new SnapshotStore(dir, CryptoSuites.of(SuiteName.NIST), key(SuiteName.NIST, 1), clock, RetentionPolicy.defaults());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    }

    @Test
    void payloadOverTheLimitIsRefusedAndLeavesNothing() throws IOException {
        SnapshotStore store = store(SuiteName.NIST);
        Snapshot tooBig = new Snapshot(new SnapshotId(VTPCM, SnapshotKind.FROZEN, 1), MIGRATION, NOW,
                new byte[SnapshotStore.MAX_PAYLOAD_BYTES + 1]);
        assertThrows(IllegalArgumentException.class, () -> store.write(tooBig));
        assertEquals(Set.of(), namesIn(store.directory()));
    }

    @Test
    void payloadAtTheLimitRoundTrips() {
        SnapshotStore store = store(SuiteName.NIST);
        byte[] payload = new byte[SnapshotStore.MAX_PAYLOAD_BYTES];
        payload[payload.length - 1] = 42;
        Snapshot atLimit = new Snapshot(new SnapshotId(VTPCM, SnapshotKind.FROZEN, 1), MIGRATION, NOW, payload);
        store.write(atLimit);
        assertEquals(Optional.of(atLimit), store.read(atLimit.id()));
    }

    @Test
    void deleteZeroesAndRemovesTheFile() throws IOException {
        SnapshotStore store = store(SuiteName.NIST);
        store.write(frozen(1));
        store.write(frozen(2));
        Path file = fileOf(store, frozen(1).id());
        // a second name for the same inode shows what happened to the data itself
        Path witness = Files.createLink(folder.resolve("witness"), file);
        long size = Files.size(file);

        store.delete(frozen(1).id());
        assertFalse(Files.exists(file));
        assertEquals(Optional.empty(), store.read(frozen(1).id()));
        assertEquals(Set.of(frozen(2).id().fileName()), namesIn(store.directory()), "no temp file left behind");
        byte[] remains = Files.readAllBytes(witness);
        assertEquals(size, remains.length);
        assertArrayEquals(new byte[remains.length], remains, "content overwritten with zeros");

        store.delete(frozen(1).id()); // absent: no-op
        assertEquals(List.of(frozen(2).id()), store.list());
    }

    @Test
    void retentionKeepsTheNewestPerVtpcmAndKind() {
        SnapshotStore store = store(SuiteName.NIST);
        for (long epoch = 1; epoch <= 5; epoch++) {
            store.write(frozen(epoch));
        }
        store.write(snapshot(VTPCM, SnapshotKind.STAGED, 1, 10));
        store.write(snapshot(VTPCM, SnapshotKind.STAGED, 2, 10));
        for (long epoch = 1; epoch <= 3; epoch++) {
            store.write(snapshot(OTHER_VTPCM, SnapshotKind.FROZEN, epoch, 10));
        }
        assertEquals(4, store.applyRetention());
        assertEquals(List.of(frozen(4).id(), frozen(5).id(), new SnapshotId(VTPCM, SnapshotKind.STAGED, 1),
                new SnapshotId(VTPCM, SnapshotKind.STAGED, 2), new SnapshotId(OTHER_VTPCM, SnapshotKind.FROZEN, 2),
                new SnapshotId(OTHER_VTPCM, SnapshotKind.FROZEN, 3)), store.list());
        assertEquals(0, store.applyRetention());
    }

    @Test
    void retentionDropsSnapshotsOlderThanMaxAge() throws IOException {
        SnapshotStore store = new SnapshotStore(folder.resolve("snapshots"), CryptoSuites.of(SuiteName.NIST),
                key(SuiteName.NIST, 1), clock, new RetentionPolicy(10, Duration.ofHours(1)));
        store.write(new Snapshot(new SnapshotId(VTPCM, SnapshotKind.FROZEN, 1), MIGRATION, NOW.minus(Duration.ofHours(2)), new byte[1]));
        store.write(new Snapshot(new SnapshotId(VTPCM, SnapshotKind.FROZEN, 2), MIGRATION, NOW.minus(Duration.ofMinutes(30)), new byte[1]));
        store.write(new Snapshot(new SnapshotId(VTPCM, SnapshotKind.STAGED, 1), MIGRATION, NOW, new byte[1]));
        // an unreadable file is aged by its modification time
        Path corrupt = fileOf(store, new SnapshotId(OTHER_VTPCM, SnapshotKind.FROZEN, 1));
        Files.write(corrupt, new byte[] {1});
        Files.setLastModifiedTime(corrupt, FileTime.from(NOW.minus(Duration.ofDays(1))));

        assertEquals(2, store.applyRetention());
        assertEquals(List.of(new SnapshotId(VTPCM, SnapshotKind.FROZEN, 2), new SnapshotId(VTPCM, SnapshotKind.STAGED, 1)),
                store.list());
        clock.advance(Duration.ofMinutes(45));
        assertEquals(1, store.applyRetention());
        assertEquals(List.of(new SnapshotId(VTPCM, SnapshotKind.STAGED, 1)), store.list());
    }

    @Test
    void concurrentWritersNeverExposeAPartialSnapshot() throws Exception {
        SnapshotStore store = store(SuiteName.NIST);
        List<Thread> writers = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 0; t < 2; t++) {
            int offset = t;
            Thread thread = new Thread(() -> {
                try {
                    for (long epoch = 1 + offset; epoch <= 40; epoch += 2) {
                        store.write(snapshot(VTPCM, SnapshotKind.FROZEN, epoch, 64 * 1024));
                        store.latest(VTPCM, SnapshotKind.FROZEN).orElseThrow();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            writers.add(thread);
            thread.start();
        }
        for (Thread thread : writers) {
            thread.join();
        }
        assertNull(failure.get());
        assertEquals(40, store.list().size());
        for (SnapshotId id : store.list()) {
            assertEquals(snapshot(VTPCM, SnapshotKind.FROZEN, id.epoch(), 64 * 1024), store.read(id).orElseThrow());
        }
    }

    @Test
    void aReopenedStoreReadsWhatAnEarlierInstanceWrote() {
        CryptoSuite suite = CryptoSuites.of(SuiteName.SM);
        SnapshotStore writer = new SnapshotStore(folder.resolve("s"), suite, key(SuiteName.SM, 9), clock, RetentionPolicy.defaults());
        writer.write(frozen(1));
        SnapshotStore reader = new SnapshotStore(folder.resolve("s"), CryptoSuites.of(SuiteName.SM), key(SuiteName.SM, 9), clock,
                RetentionPolicy.defaults());
        assertEquals(Optional.of(frozen(1)), reader.read(frozen(1).id()));
    }
}
