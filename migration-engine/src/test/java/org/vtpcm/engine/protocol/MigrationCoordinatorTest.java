package org.vtpcm.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.engine.config.EngineConfig;
import org.vtpcm.engine.journal.MigrationRecord;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.engine.journal.VmAlreadyMigratingException;
import org.vtpcm.nodeapi.ManagerClientException;
import org.vtpcm.nodeapi.VmMigrationStatus;

/**
 * The coordinator over fake nodes: engine-driven migrations on its pool, aborts, and recovery of a journal an engine left
 * mid-migration. The tests wait for the pool by polling the journal, boundedly; the protocol's own time is the harness's clock.
 */
class MigrationCoordinatorTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path folder;
    Harness harness;
    MigrationCoordinator coordinator;
    private final List<MigrationCoordinator> restarts = new ArrayList<>();

    @BeforeEach
    void start() {
        harness = new Harness(folder);
        coordinator = harness.protocol.coordinator();
    }

    @AfterEach
    void stop() {
        coordinator.close();
        restarts.forEach(MigrationCoordinator::close);
        harness.close();
    }

    @Test
    void aMigrationWithoutTlsIsRefusedAndNothingIsJournaled() {
        PolicyRefusedException refused = assertThrows(PolicyRefusedException.class, () -> coordinator.start(request(false)));
        assertEquals(400, refused.status());
        assertEquals(PolicyRefusedException.PLAINTEXT_REFUSED, refused.code());
        assertTrue(harness.journal.list(false, 10).isEmpty());
        assertTrue(harness.n("n1").calls.isEmpty(), "no node was asked anything");
        assertEquals("RUNNING", harness.n("n1").row(Harness.VM).orElseThrow().state());
    }

    @Test
    void aMigrationWithoutTlsRunsWhenTheEngineAllowsPlaintext() throws Exception {
        Harness plaintext = new Harness(Files.createDirectories(folder.resolve("plaintext")), new EngineConfig.TrustSettings(true,
                Duration.ofSeconds(900), Duration.ofSeconds(60), Duration.ofSeconds(10)));
        MigrationCoordinator allowing = plaintext.protocol.coordinator();
        try {
            UUID id = allowing.start(request(false)).id();
            MigrationRecord record = awaitEnd(plaintext, id);
            assertEquals(Phase.COMMITTED, record.outcome(), record.reason());
            assertFalse(record.options().tls());
        } finally {
            allowing.close();
            plaintext.close();
        }
    }

    @Test
    void startAnswersAtOnceAndThePoolRunsTheMigrationToItsCommit() throws Exception {
        MigrationRecord started = coordinator.start(request(true));
        assertEquals(Harness.VM, started.vmUuid());
        assertTrue(started.done(Phase.REQUESTED), "journaled before it is answered");
        MigrationRecord record = awaitEnd(harness, started.id());
        assertEquals(Phase.COMMITTED, record.outcome(), record.reason());
        assertEquals("RUNNING", harness.n("n2").row(Harness.VM).orElseThrow().state());
        assertEquals(4, harness.n("n2").row(Harness.VM).orElseThrow().epoch());
        assertEquals("DESTROYED", harness.n("n1").row(Harness.VM).orElseThrow().state());
        assertEquals(1, harness.n("n1").count("migrate-vm"), "the engine's source manager moved the VM");
        assertTrue(harness.receipts.verify(harness.receipts.find(started.id()).orElseThrow()));
        await(() -> coordinator.activeMigrations("n1") == 0 && coordinator.activeMigrations("n2") == 0, "the host slots are released");
        assertEquals(2, coordinator.migrationLimit("n1"));
        assertEquals(started.id(), coordinator.find(started.id()).orElseThrow().id());
        assertTrue(coordinator.list(true, 10).isEmpty(), "none active");
        assertEquals(1, coordinator.list(false, 10).size());
    }

    @Test
    void aStartOfAVmWithoutALiveVtpcmIsRefused() {
        MigrationRequest unknown = new MigrationRequest(UUID.randomUUID().toString(), Optional.of("n2"), "explicit", 1, false, true, true,
                0);
        assertThrows(UnknownVmException.class, () -> coordinator.start(unknown));
        assertTrue(harness.journal.list(false, 10).isEmpty());
    }

    @Test
    void whileAMigrationRunsASecondOfTheVmIsRefusedAndAnAbortRollsTheFirstBack() throws Exception {
        FakeNode source = harness.n("n1");
        source.vmMigrationScript.add(VmMigrationStatus.RUNNING); // the libvirt job runs until it is aborted
        CountDownLatch migrating = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        harness.time.meanwhile = () -> {
            migrating.countDown();
            try {
                release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        UUID id = coordinator.start(request(true)).id();
        assertTrue(migrating.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the worker reached the VM migration");
        try {
            assertEquals(Phase.VM_MIGRATING, harness.journal.find(id).orElseThrow().phase());
            assertThrows(VmAlreadyMigratingException.class, () -> coordinator.start(request(true)));
            assertEquals(1, harness.journal.list(false, 10).size());
            MigrationRecord asked = coordinator.abort(id);
            assertTrue(asked.isActive(), "the abort is asked; the worker carries it out");
        } finally {
            release.countDown();
        }
        MigrationRecord record = awaitEnd(harness, id);
        assertEquals(Phase.ROLLED_BACK, record.outcome());
        assertTrue(record.reason().startsWith("aborted by the operator"), record.reason());
        assertEquals(1, source.count("migrate-vm/abort"), "the libvirt job was cancelled");
        assertEquals("RUNNING", source.row(Harness.VM).orElseThrow().state());
        assertEquals(4, source.row(Harness.VM).orElseThrow().epoch(), "the aborted attempt consumed an epoch");
        assertEquals("DESTROYED", harness.n("n2").row(Harness.VM).orElseThrow().state());
        PastSwitchoverException again = assertThrows(PastSwitchoverException.class, () -> coordinator.abort(id));
        assertTrue(again.getMessage().contains("has ended (ROLLED_BACK)"), again.getMessage());
    }

    @Test
    void anAbortOfAnUnknownMigrationIsRefused() {
        assertThrows(UnknownMigrationException.class, () -> coordinator.abort(UUID.randomUUID()));
    }

    @Test
    void anAbortOfACommittedMigrationIsRefusedAndChangesNothing() throws Exception {
        UUID id = coordinator.start(request(true)).id();
        awaitEnd(harness, id);
        PastSwitchoverException refused = assertThrows(PastSwitchoverException.class, () -> coordinator.abort(id));
        assertTrue(refused.getMessage().contains("has ended (COMMITTED)"), refused.getMessage());
        assertEquals(Phase.COMMITTED, harness.journal.find(id).orElseThrow().outcome());
        assertEquals(0, harness.n("n1").count("abort") + harness.n("n2").count("abort"));
    }

    @Test
    void recoveryRollsBackAnEngineDrivenMigrationLeftBeforeTheSwitchover() throws Exception {
        UUID id = harness.open().id(); // journaled REQUESTED, then the engine stopped
        MigrationCoordinator restarted = restart().coordinator();
        restarted.recover();
        MigrationRecord record = awaitEnd(harness, id);
        assertEquals(Phase.ROLLED_BACK, record.outcome());
        assertTrue(record.reason().startsWith("the engine restarted during REQUESTED, before the switchover"), record.reason());
        assertEquals("RUNNING", harness.n("n1").row(Harness.VM).orElseThrow().state());
        UUID next = restarted.start(request(true)).id();
        assertEquals(Phase.COMMITTED, awaitEnd(harness, next).outcome(), "the VM can migrate again");
    }

    @Test
    void recoveryRollsBackANovaRunLeftAtDestPreparedAndNovasNextHookFindsItGone() throws Exception {
        NovaDriver nova = new NovaDriver(harness);
        nova.begin("n2");
        nova.prepare();
        Protocol.Assembly restarted = restart();
        restarted.coordinator().recover();
        MigrationRecord record = awaitEnd(harness, nova.migration);
        assertEquals(Phase.ROLLED_BACK, record.outcome());
        assertEquals("the engine restarted during DEST_PREPARED, before the switchover; the VM and its vTPCM run at n1", record.reason());
        assertEquals("DESTROYED", harness.n("n2").row(Harness.VM).orElseThrow().state());
        assertEquals("RUNNING", harness.n("n1").row(Harness.VM).orElseThrow().state());
        assertEquals(3, harness.n("n1").row(Harness.VM).orElseThrow().epoch());
        assertThrows(UnknownMigrationException.class, () -> restarted.nova().send(Harness.VM, nova.migration));
    }

    @Test
    void recoveryRollsForwardANovaRunWhoseGuestMovedWhileTheEngineWasDown() throws Exception {
        NovaDriver nova = new NovaDriver(harness);
        nova.begin("n2");
        nova.prepare();
        nova.send();
        nova.moveVm("n2");
        Protocol.Assembly restarted = restart();
        restarted.coordinator().recover();
        MigrationRecord record = awaitEnd(harness, nova.migration);
        assertEquals(Phase.COMMITTED, record.outcome(), record.reason());
        assertTrue(record.switchedOver(), "judged by where the domain runs");
        assertEquals("RUNNING", harness.n("n2").row(Harness.VM).orElseThrow().state());
        assertEquals(4, harness.n("n2").row(Harness.VM).orElseThrow().epoch());
        assertEquals("DESTROYED", harness.n("n1").row(Harness.VM).orElseThrow().state());
        assertTrue(harness.receipts.verify(harness.receipts.find(nova.migration).orElseThrow()));
        assertEquals(Phase.COMMITTED, restarted.nova().commit(Harness.VM, nova.migration).outcome(),
                "Nova's commit to the restarted engine answers the committed record");
    }

    @Test
    void recoveryRollsForwardANovaRunWhoseCommitFailedPastTheSwitchover() throws Exception {
        NovaDriver nova = new NovaDriver(harness);
        nova.begin("n2");
        nova.prepare();
        nova.send();
        nova.moveVm("n2");
        harness.n("n2").failOn.put("commit", () -> new ManagerClientException(0, "UNREACHABLE", "cannot reach n2"));
        assertThrows(ManagerClientException.class, nova::commit);
        harness.n("n2").failOn.clear();
        restart().coordinator().recover();
        MigrationRecord record = awaitEnd(harness, nova.migration);
        assertEquals(Phase.COMMITTED, record.outcome(), record.reason());
        assertEquals(2, harness.n("n2").count("commit"), "the commit that began and failed is done again");
        assertEquals("RUNNING", harness.n("n2").row(Harness.VM).orElseThrow().state());
        assertEquals("DESTROYED", harness.n("n1").row(Harness.VM).orElseThrow().state());
    }

    private static MigrationRequest request(boolean tls) {
        return new MigrationRequest(Harness.VM.toString(), Optional.of("n2"), "explicit", 1, false, tls, true, 0);
    }

    /** A new engine over the same journal and nodes, closed after the test. */
    private Protocol.Assembly restart() {
        Protocol.Assembly restarted = harness.restarted();
        restarts.add(restarted.coordinator());
        return restarted;
    }

    /** The migration's end, once the pool reached it; the test fails after {@link #WAIT}. */
    private static MigrationRecord awaitEnd(Harness harness, UUID id) throws InterruptedException {
        MigrationRecord[] ended = new MigrationRecord[1];
        await(() -> {
            ended[0] = harness.journal.find(id).orElseThrow();
            return !ended[0].isActive();
        }, "migration " + id + " ended");
        return ended[0];
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                fail("not within " + WAIT.toSeconds() + " s: " + what);
            }
            Thread.sleep(5);
        }
    }
}
