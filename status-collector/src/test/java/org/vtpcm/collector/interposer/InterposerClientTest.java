package org.vtpcm.collector.interposer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.crypto.SuiteName;

/** The manager's client: deadlines, clear failures, and the event stream's end. */
@Timeout(30)
class InterposerClientTest {
    @TempDir
    Path folder;

    @Test
    void aServiceThatNeverAnswersTimesOutWithAClearError() throws Exception {
        Path socket = folder.resolve("mute.sock");
        try (ServerSocketChannel mute = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            mute.bind(UnixDomainSocketAddress.of(socket));
            InterposerClient client = new InterposerClient(socket, Duration.ofMillis(300));
            long start = System.nanoTime();
            InterposerException e = assertThrows(InterposerException.class, () -> client.report(UUID.randomUUID()));
            assertTrue(e.getMessage().contains("did not answer in time"), e.getMessage());
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 2000);
            assertFalse(client.alive());
            try (SocketChannel ignored = mute.accept()) {
                // the first pending connection, accepted only to be closed
            }
        }
    }

    @Test
    void nothingListeningIsNotAliveAndAClearErrorOtherwise() {
        InterposerClient client = new InterposerClient(folder.resolve("nobody.sock"));
        assertFalse(client.alive());
        InterposerException e = assertThrows(InterposerException.class, () -> client.forget(UUID.randomUUID()));
        assertTrue(e.getMessage().startsWith("no node interposer at "), e.getMessage());
    }

    @Test
    void theEventStreamTellsWhenTheServiceEndsItButNotWhenTheSubscriberDoes() throws Exception {
        Path runDir = Files.createDirectories(folder.resolve("run"));
        NodeInterposer service = NodeInterposer.start(runDir.resolve("a.sock"), runDir, CryptoSuites.of(SuiteName.NIST));
        try {
            InterposerClient client = new InterposerClient(runDir.resolve("a.sock"));
            AtomicInteger closedBySubscriber = new AtomicInteger();
            client.watch(event -> { }, closedBySubscriber::incrementAndGet).close();
            CountDownLatch ended = new CountDownLatch(1);
            InterposerClient.Subscription watching = client.watch(event -> { }, ended::countDown);
            service.close();
            assertTrue(ended.await(5, TimeUnit.SECONDS), "onClosed runs when the service goes away");
            watching.close();
            Thread.sleep(200);
            assertEquals(0, closedBySubscriber.get(), "not after the subscriber closed it");
        } finally {
            service.close();
        }
    }
}
