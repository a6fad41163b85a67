package org.vtpcm.collector.interposer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.vtpcm.collector.swtpm.SwtpmProcessFixture;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.crypto.SuiteName;

/**
 * A node interposer running in-process over a temporary run dir, with real swtpm engines (run with
 * --terminate, as the manager does) and a watcher collecting events. Closes everything it started.
 */
final class InterposerHarness implements AutoCloseable {
    final Path folder;
    final Path runDir;
    final Path adminSocket;
    final NodeInterposer service;
    final InterposerClient client;
    final BlockingQueue<ChannelEvent> events = new LinkedBlockingQueue<>();
    private final InterposerClient.Subscription subscription;
    private final List<SwtpmProcessFixture> engines = new ArrayList<>();

    InterposerHarness(Path folder) throws IOException {
        this.folder = folder;
        this.runDir = Files.createDirectories(folder.resolve("run"));
        this.adminSocket = runDir.resolve("interposer.sock");
        this.service = NodeInterposer.start(adminSocket, runDir, CryptoSuites.of(SuiteName.SM));
        this.client = new InterposerClient(adminSocket);
        this.subscription = client.watch(events::add, () -> { });
    }

    /** A fresh swtpm with --terminate in its own folder. */
    SwtpmProcessFixture engine(String name) throws IOException, InterruptedException {
        SwtpmProcessFixture engine = new SwtpmProcessFixture(Files.createDirectories(folder.resolve(name)), false, true);
        engines.add(engine);
        return engine;
    }

    Path listenPath(UUID vtpcmId) {
        return runDir.resolve(vtpcmId + ".ctrl");
    }

    /** The next event of {@code vtpcmId}, skipping other channels' events; fails after 5 s. */
    ChannelEvent nextEvent(UUID vtpcmId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            ChannelEvent event = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new AssertionError("no event for " + vtpcmId + " within 5 s");
            }
            if (event.vtpcmId().equals(vtpcmId)) {
                return event;
            }
        }
    }

    /** Waits until the channel's report satisfies {@code condition}; fails after 5 s. */
    ChannelReport awaitReport(UUID vtpcmId, java.util.function.Predicate<ChannelReport> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        ChannelReport report = null;
        while (System.nanoTime() < deadline) {
            report = client.report(vtpcmId).orElse(null);
            if (report != null && condition.test(report)) {
                return report;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("report of " + vtpcmId + " never met the condition; last: " + report);
    }

    @Override
    public void close() {
        subscription.close();
        service.close();
        engines.forEach(SwtpmProcessFixture::close);
    }
}
