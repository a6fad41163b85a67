package org.vtpcm.manager.migration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.manager.association.Association;
import org.vtpcm.manager.association.UnknownVtpcmException;
import org.vtpcm.manager.fakes.FakeBundleStager;
import org.vtpcm.manager.migration.TransferException.Reason;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.crypto.SuiteName;

/** The destination's chunked receive with a real spool in a temporary folder and a fake stager. */
class ChunkedBundleReceiverTest {
    private static final int CHUNK = 1000;
    private static final long MAX_BUNDLE = 64 * 1024;
    private static final Optional<String> SOURCE = Optional.of("n1");

    @TempDir
    Path folder;
    private final CryptoSuite suite = CryptoSuites.of(SuiteName.SM);
    private final FakeBundleStager stager = new FakeBundleStager();
    private final UUID migration = UUID.randomUUID();
    private final KeyPair sourceKey = suite.generateSigningKeyPair();
    private final byte[] bundle = new byte[2500];
    private BundleSpool spool;
    private IncomingMigrations incoming;
    private ChunkedBundleReceiver receiver;

    @BeforeEach
    void setUp() {
        new Random(7).nextBytes(bundle);
        spool = new BundleSpool(folder.resolve("incoming"));
        incoming = new IncomingMigrations(spool::delete);
        receiver = new ChunkedBundleReceiver(incoming, spool, stager, MAX_BUNDLE);
        prepare(migration, Optional.of("n1"), Optional.of(sourceKey));
    }

    private void prepare(UUID id, Optional<String> sourceNode, Optional<KeyPair> key) {
        incoming.add(new IncomingMigrations.Prepared(id, UUID.randomUUID(), UUID.randomUUID(), 1, new byte[32],
                suite.generateSigningKeyPair(), sourceNode, key.map(KeyPair::getPublic)));
    }

    private byte[] chunk(int index) {
        return Arrays.copyOfRange(bundle, index * CHUNK, Math.min(bundle.length, (index + 1) * CHUNK));
    }

    private BundleSpool.Stored send(UUID id, int index) {
        byte[] chunk = chunk(index);
        return receiver.receive(id, SOURCE, index, 3, bundle.length, Sha256.of(chunk), chunk);
    }

    private Association stage() {
        return receiver.stage(migration, SOURCE, 3, bundle.length, Sha256.of(bundle));
    }

    @Test
    void chunksInAnyOrderAreReassembledAndStagedWithThePreparedSourceKeyThenTheSpoolIsGone() {
        assertEquals(BundleSpool.Stored.NEW, send(migration, 2));
        assertEquals(BundleSpool.Stored.NEW, send(migration, 0));
        assertEquals(BundleSpool.Stored.NEW, send(migration, 1));
        assertTrue(Files.exists(folder.resolve("incoming").resolve(migration.toString()).resolve("1.part")));

        Association row = stage();

        assertEquals(1, stager.staged.size());
        assertArrayEquals(bundle, stager.staged.get(0).bundle());
        assertSame(sourceKey.getPublic(), stager.staged.get(0).sourceKey());
        assertFalse(Files.exists(folder.resolve("incoming").resolve(migration.toString())), "the spool is deleted after staging");
        assertSame(row, stage(), "a retried stage-chunks answers the staged row again");
        assertEquals(1, stager.staged.size(), "and stages nothing twice");
    }

    @Test
    void aChunkSentAgainWithTheSameDigestIsAcceptedWithoutChange() throws Exception {
        send(migration, 0);
        Path part = folder.resolve("incoming").resolve(migration.toString()).resolve("0.part");
        long modified = Files.getLastModifiedTime(part).toMillis();

        assertEquals(BundleSpool.Stored.DUPLICATE, send(migration, 0));

        assertArrayEquals(chunk(0), Files.readAllBytes(part));
        assertEquals(modified, Files.getLastModifiedTime(part).toMillis());
        try (var files = Files.list(part.getParent())) {
            assertEquals(List.of("0.part", "layout"), files.map(file -> file.getFileName().toString()).sorted().toList(),
                    "no temporary file is left behind");
        }
    }

    @Test
    void theSameIndexWithAnotherDigestIsAConflictAndKeepsTheFirstChunk() throws Exception {
        send(migration, 0);
        byte[] other = chunk(0);
        other[0] ^= 1;

        TransferException conflict = assertThrows(TransferException.class,
                () -> receiver.receive(migration, SOURCE, 0, 3, bundle.length, Sha256.of(other), other));

        assertEquals(Reason.CHUNK_CONFLICT, conflict.reason());
        assertArrayEquals(chunk(0), Files.readAllBytes(folder.resolve("incoming").resolve(migration.toString()).resolve("0.part")));
    }

    @Test
    void aChunkAnnouncingAnotherLayoutIsAConflict() {
        send(migration, 0);
        byte[] chunk = chunk(1);
        assertEquals(Reason.CHUNK_CONFLICT, assertThrows(TransferException.class,
                () -> receiver.receive(migration, SOURCE, 1, 4, bundle.length, Sha256.of(chunk), chunk)).reason());
    }

    @Test
    void stagingBeforeEveryChunkArrivedNamesTheMissingOnesAndStagesNothing() {
        send(migration, 0);
        send(migration, 2);

        TransferException missing = assertThrows(TransferException.class, this::stage);

        assertEquals(Reason.CHUNKS_MISSING, missing.reason());
        assertEquals(List.of("missing chunk 1"), missing.details());
        assertTrue(stager.staged.isEmpty());
        send(migration, 1);
        stage();
        assertEquals(1, stager.staged.size(), "the transfer completes once the missing chunk arrives");
    }

    @Test
    void aWrongTotalDigestIsRefusedAndNothingIsStaged() {
        for (int index = 0; index < 3; index++) {
            send(migration, index);
        }
        byte[] wrong = Sha256.of(new byte[] {1});

        TransferException mismatch = assertThrows(TransferException.class,
                () -> receiver.stage(migration, SOURCE, 3, bundle.length, wrong));

        assertEquals(Reason.BUNDLE_DIGEST_MISMATCH, mismatch.reason());
        assertTrue(stager.staged.isEmpty());
    }

    @Test
    void aChunkThatDoesNotMatchItsHeaderDigestIsRefused() {
        byte[] chunk = chunk(0);
        assertEquals(Reason.INVALID_CHUNK, assertThrows(TransferException.class,
                () -> receiver.receive(migration, SOURCE, 0, 3, bundle.length, Sha256.of(new byte[] {9}), chunk)).reason());
    }

    @Test
    void oversizedBundlesAndChunksAndOutOfRangeNumbersAreRefused() {
        byte[] chunk = chunk(0);
        byte[] digest = Sha256.of(chunk);
        assertEquals(Reason.BUNDLE_TOO_LARGE, assertThrows(TransferException.class,
                () -> receiver.receive(migration, SOURCE, 0, 3, MAX_BUNDLE + 1, digest, chunk)).reason());
        byte[] huge = new byte[ChunkedBundleReceiver.MAX_CHUNK_BYTES + 1];
        assertEquals(Reason.BUNDLE_TOO_LARGE, assertThrows(TransferException.class,
                () -> receiver.receive(migration, SOURCE, 0, 1, MAX_BUNDLE, Sha256.of(huge), huge)).reason());
        for (int[] indexAndCount : new int[][] {{3, 3}, {-1, 3}, {0, 0}, {0, 2501}, {0, ChunkedBundleReceiver.MAX_CHUNKS + 1}}) {
            assertEquals(Reason.INVALID_CHUNK, assertThrows(TransferException.class, () -> receiver.receive(migration, SOURCE,
                    indexAndCount[0], indexAndCount[1], bundle.length, digest, chunk)).reason(), Arrays.toString(indexAndCount));
        }
        assertEquals(Reason.INVALID_CHUNK, assertThrows(TransferException.class,
                () -> receiver.receive(migration, SOURCE, 0, 3, 0, digest, chunk)).reason());
        ChunkedBundleReceiver roomy = new ChunkedBundleReceiver(incoming, spool, stager, 1 << 20);
        assertEquals(Reason.INVALID_CHUNK, assertThrows(TransferException.class,
                () -> roomy.receive(migration, SOURCE, 0, 1, 600_000, digest, chunk)).reason(), "one chunk cannot hold 600000 bytes");
    }

    @Test
    void chunksMayNotBringMoreBytesThanTheAnnouncedLength() {
        byte[] first = chunk(0);
        receiver.receive(migration, SOURCE, 0, 2, 1500, Sha256.of(first), first);
        byte[] second = chunk(1);
        assertEquals(Reason.INVALID_CHUNK, assertThrows(TransferException.class,
                () -> receiver.receive(migration, SOURCE, 1, 2, 1500, Sha256.of(second), second)).reason());
    }

    @Test
    void aMigrationThisNodeDidNotPrepareIsUnknown() {
        UUID other = UUID.randomUUID();
        assertThrows(UnknownVtpcmException.class, () -> send(other, 0));
        assertThrows(UnknownVtpcmException.class, () -> receiver.stage(other, SOURCE, 3, bundle.length, Sha256.of(bundle)));
        assertFalse(Files.exists(folder.resolve("incoming").resolve(other.toString())));
    }

    @Test
    void onlyTheSourceNodePrepareNamedMaySend() {
        byte[] chunk = chunk(0);
        for (Optional<String> sender : List.of(Optional.of("n3"), Optional.<String>empty())) {
            assertEquals(Reason.SENDER_NOT_ALLOWED, assertThrows(TransferException.class,
                    () -> receiver.receive(migration, sender, 0, 3, bundle.length, Sha256.of(chunk), chunk)).reason());
            assertEquals(Reason.SENDER_NOT_ALLOWED, assertThrows(TransferException.class,
                    () -> receiver.stage(migration, sender, 3, bundle.length, Sha256.of(bundle))).reason());
        }
        assertFalse(Files.exists(folder.resolve("incoming").resolve(migration.toString())));
    }

    @Test
    void aMigrationPreparedWithoutSourceNodeTakesChunksFromNobody() {
        UUID unnamed = UUID.randomUUID();
        prepare(unnamed, Optional.empty(), Optional.of(sourceKey));
        byte[] chunk = chunk(0);
        for (Optional<String> sender : List.of(Optional.of("n3"), Optional.of(SOURCE.orElseThrow()), Optional.<String>empty())) {
            assertEquals(Reason.SENDER_NOT_ALLOWED, assertThrows(TransferException.class,
                    () -> receiver.receive(unnamed, sender, 0, 3, bundle.length, Sha256.of(chunk), chunk)).reason());
            assertEquals(Reason.SENDER_NOT_ALLOWED, assertThrows(TransferException.class,
                    () -> receiver.stage(unnamed, sender, 3, bundle.length, Sha256.of(bundle))).reason());
        }
        assertFalse(Files.exists(folder.resolve("incoming").resolve(unnamed.toString())));
    }

    @Test
    void aMigrationPreparedWithoutSourceKeyCannotBeStagedFromChunks() {
        UUID keyless = UUID.randomUUID();
        prepare(keyless, Optional.empty(), Optional.empty());
        byte[] chunk = chunk(0);
        assertEquals(Reason.NO_SOURCE_KEY, assertThrows(TransferException.class,
                () -> receiver.receive(keyless, Optional.of("anyone"), 0, 3, bundle.length, Sha256.of(chunk), chunk)).reason());
        assertEquals(Reason.NO_SOURCE_KEY, assertThrows(TransferException.class,
                () -> receiver.stage(keyless, Optional.of("anyone"), 3, bundle.length, Sha256.of(bundle))).reason());
    }

    @Test
    void removingThePreparedMigrationDeletesItsSpoolAndRefusesLaterChunks() {
        send(migration, 0);
        incoming.remove(migration); // abort or commit

        assertFalse(Files.exists(folder.resolve("incoming").resolve(migration.toString())));
        assertThrows(UnknownVtpcmException.class, () -> send(migration, 1));
        assertThrows(UnknownVtpcmException.class, this::stage);
    }

    @Test
    void aStageRequestMayRepeatThePreparedKeyButNotChangeIt() {
        IncomingMigrations.Prepared prepared = incoming.find(migration).orElseThrow();
        assertSame(sourceKey.getPublic(), prepared.sourceKeyFor(Optional.empty()));
        assertSame(sourceKey.getPublic(), prepared.sourceKeyFor(Optional.of(suite.decodePublicKey(
                suite.encodePublicKey(sourceKey.getPublic())))));
        assertEquals(Reason.SOURCE_KEY_MISMATCH, assertThrows(TransferException.class,
                () -> prepared.sourceKeyFor(Optional.of(suite.generateSigningKeyPair().getPublic()))).reason());

        UUID keyless = UUID.randomUUID();
        prepare(keyless, Optional.empty(), Optional.empty());
        IncomingMigrations.Prepared old = incoming.find(keyless).orElseThrow();
        assertEquals(Reason.SOURCE_KEY_REQUIRED, assertThrows(TransferException.class, () -> old.sourceKeyFor(Optional.empty())).reason());
        assertSame(sourceKey.getPublic(), old.sourceKeyFor(Optional.of(sourceKey.getPublic())), "without a prepared key, the offered one");
    }
}
