package org.vtpcm.manager.migration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.vtpcm.manager.migration.TransferException.Reason;

/** The sender against a hand-written destination that keeps chunks in memory and fails on demand. */
class BundleSenderTest {
    private static final URI DESTINATION = URI.create("https://10.200.0.2:9443");
    private static final int CHUNK = 1000;

    private final UUID migration = UUID.randomUUID();

    /** A destination: accepts chunks, counts attempts, injects failures, stages what it got. */
    private static class FakeDestination implements BundleTransport {
        final Map<Integer, byte[]> chunks = new ConcurrentHashMap<>();
        final Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();
        final Map<Integer, AtomicInteger> accepted = new ConcurrentHashMap<>();
        final AtomicInteger stageCalls = new AtomicInteger();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        volatile byte[] staged;

        /** Called before each chunk is accepted; may throw or answer instead. */
        Reply before(int index, int attempt) throws IOException, InterruptedException {
            return null;
        }

        @Override
        public Reply putChunk(URI destination, UUID migrationId, int index, int count, long length, byte[] sha256, byte[] chunk)
                throws IOException, InterruptedException {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
                assertArrayEquals(sha256, Sha256.of(chunk));
                Reply instead = before(index, attempts.computeIfAbsent(index, i -> new AtomicInteger()).incrementAndGet());
                if (instead != null) {
                    return instead;
                }
                chunks.put(index, chunk.clone());
                accepted.computeIfAbsent(index, i -> new AtomicInteger()).incrementAndGet();
                return new Reply(200, "{\"index\":" + index + "}");
            } finally {
                inFlight.decrementAndGet();
            }
        }

        @Override
        public Reply stageChunks(URI destination, UUID migrationId, int count, long length, byte[] sha256) throws IOException {
            stageCalls.incrementAndGet();
            ByteArrayOutputStream whole = new ByteArrayOutputStream();
            for (int index = 0; index < count; index++) {
                whole.writeBytes(chunks.get(index));
            }
            staged = whole.toByteArray();
            assertEquals(length, staged.length);
            assertArrayEquals(sha256, Sha256.of(staged));
            return new Reply(200, "{\"state\":\"STAGED\"}");
        }
    }

    private static byte[] bundle(int length) {
        byte[] bundle = new byte[length];
        new Random(3).nextBytes(bundle);
        return bundle;
    }

    private static BundleSender sender(BundleTransport transport) {
        return new BundleSender(transport, CHUNK, Duration.ofMillis(1));
    }

    @Test
    void theBundleIsSplitIntoChunksUploadedAndStaged() {
        FakeDestination destination = new FakeDestination();
        byte[] bundle = bundle(4500);

        BundleSender.Report report = sender(destination).send(DESTINATION, migration, bundle, 1);

        assertArrayEquals(bundle, destination.staged);
        assertEquals(5, report.chunks());
        assertEquals(4500, report.bundleBytes());
        assertEquals(1, report.streams());
        assertEquals(0, report.retries());
        assertEquals("{\"state\":\"STAGED\"}", report.staged());
        assertEquals(1, destination.maxInFlight.get(), "one stream sends one chunk at a time");
    }

    @Test
    void chunksTravelOverTheRequestedNumberOfParallelStreamsAndNoMore() {
        CountDownLatch allStreamsBusy = new CountDownLatch(4);
        FakeDestination destination = new FakeDestination() {
            @Override
            Reply before(int index, int attempt) throws InterruptedException {
                allStreamsBusy.countDown();
                allStreamsBusy.await(5, TimeUnit.SECONDS); // the first four chunks wait until four are in flight together
                return null;
            }
        };
        byte[] bundle = bundle(12 * CHUNK);

        BundleSender.Report report = sender(destination).send(DESTINATION, migration, bundle, 4);

        assertEquals(0, allStreamsBusy.getCount(), "four chunks were in flight at once");
        assertEquals(4, destination.maxInFlight.get(), "never more than four");
        assertEquals(4, report.streams());
        assertEquals(12, report.chunks());
        assertArrayEquals(bundle, destination.staged);
    }

    @Test
    void aChunkThatFailsIsSentAgainAndAcceptedChunksAreNever() {
        FakeDestination destination = new FakeDestination() {
            @Override
            Reply before(int index, int attempt) throws IOException {
                if (index == 2 && attempt <= 2) {
                    throw new IOException("connection reset");
                }
                if (index == 3 && attempt == 1) {
                    return new Reply(503, "{\"code\":\"INTERNAL\",\"message\":\"busy\"}");
                }
                return null;
            }
        };
        byte[] bundle = bundle(6 * CHUNK);

        BundleSender.Report report = sender(destination).send(DESTINATION, migration, bundle, 3);

        assertEquals(3, report.retries());
        assertEquals(3, destination.attempts.get(2).get());
        assertEquals(2, destination.attempts.get(3).get());
        for (int index = 0; index < 6; index++) {
            assertEquals(1, destination.accepted.get(index).get(), "chunk " + index + " was accepted exactly once");
        }
        assertEquals(1, destination.stageCalls.get());
        assertArrayEquals(bundle, destination.staged);
    }

    @Test
    void aDestinationThatKeepsFailingIsReportedUnreachableAfterFiveRetries() {
        FakeDestination destination = new FakeDestination() {
            @Override
            Reply before(int index, int attempt) throws IOException {
                throw new IOException("Connection refused");
            }
        };

        TransferException failure = assertThrows(TransferException.class,
                () -> sender(destination).send(DESTINATION, migration, bundle(CHUNK), 1));

        assertEquals(Reason.DESTINATION_UNREACHABLE, failure.reason());
        assertEquals(BundleSender.MAX_RETRIES + 1, destination.attempts.get(0).get());
        assertTrue(failure.getMessage().contains("Connection refused") && failure.getMessage().contains(DESTINATION.toString()),
                failure.getMessage());
        assertEquals(0, destination.stageCalls.get());
    }

    @Test
    void aRefusalEndsTheTransferWithoutRetryingAndSaysWhy() {
        FakeDestination destination = new FakeDestination() {
            @Override
            Reply before(int index, int attempt) {
                return new Reply(403, "{\"code\":\"SENDER_NOT_ALLOWED\",\"message\":\"takes state only from node n1\"}");
            }
        };

        TransferException failure = assertThrows(TransferException.class,
                () -> sender(destination).send(DESTINATION, migration, bundle(CHUNK), 1));

        assertEquals(Reason.DESTINATION_REFUSED, failure.reason());
        assertTrue(failure.getMessage().contains("403 SENDER_NOT_ALLOWED: takes state only from node n1"), failure.getMessage());
        assertEquals(1, destination.attempts.get(0).get());
    }

    @Test
    void stageChunksIsRetriedToo() {
        AtomicInteger stageFailures = new AtomicInteger(1);
        FakeDestination destination = new FakeDestination() {
            @Override
            public Reply stageChunks(URI target, UUID migrationId, int count, long length, byte[] sha256) throws IOException {
                if (stageFailures.getAndDecrement() > 0) {
                    throw new IOException("timed out");
                }
                return super.stageChunks(target, migrationId, count, length, sha256);
            }
        };

        BundleSender.Report report = sender(destination).send(DESTINATION, migration, bundle(2 * CHUNK), 2);

        assertEquals(1, report.retries());
        assertEquals(1, destination.stageCalls.get());
    }

    @Test
    void streamsAreBounded() {
        BundleSender sender = sender(new FakeDestination());
        assertThrows(IllegalArgumentException.class, () -> sender.send(DESTINATION, migration, bundle(10), 0));
        assertThrows(IllegalArgumentException.class, () -> sender.send(DESTINATION, migration, bundle(10), BundleSender.MAX_STREAMS + 1));
    }
}
