package org.vtpcm.collector.store;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.crypto.SuiteName;

/**
 * Child process of {@link SnapshotStoreCrashTest}: writes ~1 MiB snapshots with epochs
 * {@code start, start+1, ...} as fast as it can until it is killed.
 * Arguments: directory, hex store key, first epoch.
 */
public final class CrashSnapshotWriter {
    static final SuiteName SUITE = SuiteName.NIST;
    static final UUID VTPCM = UUID.fromString("c4a5b000-0000-4000-8000-00000000c4a5");
    private static final long SEED = 0x5eed_c4a5L;
    private static final int BASE_SIZE = 1024 * 1024;
    private static final int WARM_UP_ROUNDS = 3;
    /** A safety net so an orphaned child cannot fill the disk. */
    private static final long MAX_EPOCHS_PER_RUN = 5_000;

    private CrashSnapshotWriter() {
    }

    /** The one correct content for {@code epoch}; sizes vary so truncation cannot go unnoticed. */
    static Snapshot expected(long epoch) {
        Random random = new Random(SEED * 1_000_003L + epoch);
        byte[] payload = new byte[BASE_SIZE + random.nextInt(4096)];
        random.nextBytes(payload);
        return new Snapshot(new SnapshotId(VTPCM, SnapshotKind.FROZEN, epoch), new UUID(SEED, epoch),
                Instant.ofEpochSecond(1_700_000_000L + epoch, epoch % 1_000_000_000L), payload);
    }

    public static void main(String[] args) {
        CryptoSuite suite = CryptoSuites.of(SUITE);
        byte[] key = HexFormat.of().parseHex(args[1]);
        long start = Long.parseLong(args[2]);
        SnapshotStore store = new SnapshotStore(Path.of(args[0]), suite, key, Clock.systemUTC(), RetentionPolicy.defaults());
        for (int i = 0; i < WARM_UP_ROUNDS; i++) {
            SnapshotCodec.seal(suite, key, expected(start + i)); // warm up the JIT so kills land among real writes
        }
        exitWhenParentGoes();
        System.out.println("ready");
        System.out.flush();
        for (long epoch = start; epoch < start + MAX_EPOCHS_PER_RUN; epoch++) {
            store.write(expected(epoch));
        }
    }

    /** The parent holds our stdin open; end of input means it died, so do not outlive it. */
    private static void exitWhenParentGoes() {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // ignore any input
                }
            } catch (IOException e) {
                // treat like end of input
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }
}
