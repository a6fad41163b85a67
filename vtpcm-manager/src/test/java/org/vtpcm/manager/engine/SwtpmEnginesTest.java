package org.vtpcm.manager.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.nodeapi.StateEvidence;

/** Real swtpm processes (the engines), a fake interposer: the pool, the hand-over to a vTPCM, and the erasure of pooled state. */
@Timeout(60)
class SwtpmEnginesTest {
    @TempDir
    Path folder;
    private final Channels channels = new Channels();
    private SwtpmEngines engines;

    /** What the interposer was asked to serve. */
    static final class Channels implements ControlChannels {
        final Map<UUID, Path> served = new ConcurrentHashMap<>();
        int opened;

        @Override
        public long open() {
            opened++;
            return 1;
        }

        @Override
        public void serve(UUID vtpcmId, Path listen, Path engine) {
            served.put(vtpcmId, engine);
        }

        @Override
        public void forget(UUID vtpcmId) {
            served.remove(vtpcmId);
        }

        @Override
        public StateEvidence evidence(UUID vtpcmId) {
            return StateEvidence.none();
        }
    }

    private SwtpmEngines engines(int poolSize) {
        engines = new SwtpmEngines("swtpm", folder.resolve("state"), folder.resolve("run"), channels, poolSize);
        return engines;
    }

    @AfterEach
    void stopAll() {
        if (engines != null) {
            engines.running().forEach(engines::stop);
            engines.close();
        }
    }

    private static void awaitPool(SwtpmEngines engines, int members) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (engines.poolReady() < members) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the pool did not fill");
            }
            Thread.sleep(20);
        }
    }

    @Test
    void anIncomingVtpcmTakesAReadyEngineWithItsOwnKeyAndTheInterposerFrontsIt() throws Exception {
        SwtpmEngines engines = engines(1);
        engines.open();
        awaitPool(engines, 1);
        UUID vtpcm = UUID.randomUUID();

        byte[] key = engines.startIncoming(vtpcm);

        assertEquals(32, key.length);
        assertTrue(engines.runningPid(vtpcm).isPresent(), "the pooled engine now serves the vTPCM");
        assertTrue(channels.served.get(vtpcm).getFileName().toString().startsWith("pool-"), channels.served.toString());
        assertTrue(Files.isSymbolicLink(folder.resolve("state").resolve(vtpcm.toString()).resolve("tpm")));
        assertEquals(java.util.List.of(vtpcm), engines.running());
        assertEquals(1, channels.opened);
        awaitPool(engines, 1); // refilled behind the take
        byte[] another = engines.startIncoming(UUID.randomUUID());
        assertFalse(java.util.Arrays.equals(key, another), "each engine has its own at-rest key");
    }

    @Test
    void aTakenEnginesStateIsErasedWhereItLivesAndTheLinkGoes() throws Exception {
        SwtpmEngines engines = engines(1);
        engines.open();
        awaitPool(engines, 1);
        UUID vtpcm = UUID.randomUUID();
        engines.startIncoming(vtpcm);
        Path link = folder.resolve("state").resolve(vtpcm.toString()).resolve("tpm");
        Path target = Files.readSymbolicLink(link);
        assertThrows(EngineException.class, () -> engines.eraseState(vtpcm), "not while it runs");

        engines.stop(vtpcm);
        engines.eraseState(vtpcm);

        assertFalse(Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(target));
        assertFalse(engines.hasState(vtpcm));
        assertFalse(channels.served.containsKey(vtpcm), "the interposer forgot the channel");
    }

    @Test
    void withoutAReadyEngineOneIsStartedForTheIncomingVtpcm() {
        SwtpmEngines engines = engines(0);
        engines.open();
        UUID vtpcm = UUID.randomUUID();

        byte[] key = engines.startIncoming(vtpcm);

        assertEquals(32, key.length);
        assertTrue(engines.runningPid(vtpcm).isPresent());
        assertEquals(folder.resolve("run").resolve(vtpcm + ".swtpm.ctrl"), channels.served.get(vtpcm));
    }

    @Test
    void poolMembersOfAnEarlierManagerAreDiscardedButAGivenEnginesStateIsKept() throws Exception {
        SwtpmEngines first = engines(2);
        first.open();
        awaitPool(first, 2);
        UUID vtpcm = UUID.randomUUID();
        first.startIncoming(vtpcm);
        first.stop(vtpcm); // the VM stopped; its state stays, in the pool's folder
        Path kept = Files.readSymbolicLink(folder.resolve("state").resolve(vtpcm.toString()).resolve("tpm"));
        long members = countPooled();
        assertTrue(members >= 2, "a waiting member besides the given one: " + members);

        // a new manager process: the members still waiting have lost their keys
        SwtpmEngines second = new SwtpmEngines("swtpm", folder.resolve("state"), folder.resolve("run"), channels, 0);
        second.open();

        assertTrue(Files.isDirectory(kept), "the given engine's state is kept");
        assertEquals(1, countPooled(), "only the given engine's files are left");
        second.close();
    }

    private long countPooled() throws java.io.IOException {
        try (var files = Files.list(folder.resolve("state").resolve("engines"))) {
            return files.filter(Files::isDirectory).count();
        }
    }
}
