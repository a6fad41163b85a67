package org.vtpcm.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.engine.attestation.AttestationState;
import org.vtpcm.engine.config.EngineConfig;
import org.vtpcm.engine.journal.MigrationRecord;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.engine.journal.VmAlreadyMigratingException;

/** Nova's hooks driven as Nova's compute driver calls them, synchronously, over fake nodes: each hook's phases and refusals. */
class NovaHooksTest {
    private static final UUID OTHER_INSTANCE = UUID.fromString("00000000-0000-0000-0000-0000000000ff");

    @TempDir
    Path folder;
    Harness harness;
    NovaDriver nova;

    @BeforeEach
    void start() {
        harness = new Harness(folder);
        nova = new NovaDriver(harness);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void eachHookRunsItsPhasesFromItsSideToACommitWithAVerifyingReceiptAndTheNextEpoch() {
        MigrationRecord begun = nova.begin("n2");
        assertEquals(Phase.DEST_ATTESTED, begun.phase());
        assertEquals("n2", begun.destination());
        assertEquals(List.of("n2"), harness.attested, "Nova's destination is attested once, over the nonce");
        assertFalse(begun.options().verifyBeforeResume(), "Nova mode is resume-first");

        assertEquals(Phase.DEST_PREPARED, nova.prepare().phase());
        assertEquals("MIGRATING_IN", harness.n("n2").row(Harness.VM).orElseThrow().state());

        MigrationRecord sent = nova.send();
        assertEquals(Phase.VM_MIGRATING, sent.phase());
        assertFalse(sent.switchedOver(), "the engine does not move the VM; only commit marks the switchover");
        assertEquals("MIGRATING_OUT", harness.n("n1").row(Harness.VM).orElseThrow().state());
        assertEquals("STAGED", harness.n("n2").row(Harness.VM).orElseThrow().state());

        nova.moveVm("n2");
        MigrationRecord committed = nova.commit();
        assertEquals(Phase.COMMITTED, committed.outcome(), committed.reason());
        assertTrue(committed.switchedOver());
        assertEquals(List.of(Phase.REQUESTED, Phase.TARGET_SELECTED, Phase.DEST_ATTESTED, Phase.DEST_PREPARED, Phase.TPCM_STATE_SENT,
                Phase.VM_MIGRATING, Phase.VERIFIED, Phase.COMMITTED), committed.phases().stream().map(timing -> timing.phase()).toList());
        assertEquals(4L, committed.epoch());
        assertEquals("RUNNING", harness.n("n2").row(Harness.VM).orElseThrow().state());
        assertEquals(4, harness.n("n2").row(Harness.VM).orElseThrow().epoch(), "the epoch advances exactly once");
        assertEquals("DESTROYED", harness.n("n1").row(Harness.VM).orElseThrow().state(), "the state is erased at the source");
        // the source is asked only for its key, the state and, after the switchover, its evidence and erasure; never to move the VM
        assertEquals(List.of("node", "freeze", "send", "verify", "commit"), harness.n("n1").calls);
        assertEquals(List.of("prepare-incoming", "verify", "arrival", "vtpcm", "commit"), harness.n("n2").calls,
                "resume-first: the arrival is read, the guest is not resumed by the engine");
        var receipt = harness.receipts.find(nova.migration).orElseThrow();
        assertTrue(harness.receipts.verify(receipt), "the receipt's signature verifies");
        assertEquals(4, receipt.receipt().epoch());
        assertEquals("n1", receipt.receipt().source());
        assertEquals("n2", receipt.receipt().destination());
        assertEquals(FakeNode.DIGEST, receipt.receipt().digestLeft());
        assertEquals(FakeNode.DIGEST, receipt.receipt().digestArrived());
    }

    @Test
    void beginWithoutNativeTlsIsRefusedWith409AndNothingIsJournaled() {
        PolicyRefusedException refused = assertThrows(PolicyRefusedException.class,
                () -> nova.begin(NovaDriver.request("n1", "n2", false)));
        assertEquals(409, refused.status());
        assertEquals(PolicyRefusedException.NATIVE_TLS_REQUIRED, refused.code());
        assertTrue(refused.getMessage().contains("live_migration_with_native_tls"), refused.getMessage());
        assertTrue(harness.journal.latestOf(Harness.VM).isEmpty(), "refused before anything is journaled");
        assertTrue(harness.attested.isEmpty());
        assertEquals("RUNNING", harness.n("n1").row(Harness.VM).orElseThrow().state());
    }

    @Test
    void beginWithoutNativeTlsIsAllowedWhenTheEngineAllowsPlaintext() throws IOException {
        Harness plaintext = new Harness(Files.createDirectories(folder.resolve("plaintext")), new EngineConfig.TrustSettings(true,
                Duration.ofSeconds(900), Duration.ofSeconds(60), Duration.ofSeconds(10)));
        try {
            NovaDriver driver = new NovaDriver(plaintext);
            MigrationRecord begun = driver.begin(NovaDriver.request("n1", "n2", false));
            assertEquals(Phase.DEST_ATTESTED, begun.phase());
            assertFalse(begun.options().tls(), "the journal records that QEMU's stream runs without TLS");
            driver.prepare();
            driver.send();
            driver.moveVm("n2");
            assertEquals(Phase.COMMITTED, driver.commit().outcome());
        } finally {
            plaintext.close();
        }
    }

    @Test
    void anUntrustedDestinationIsRefusedAtBeginAndNothingIsPrepared() {
        harness.verdicts.put("n2", AttestationState.UNTRUSTED);
        NovaRefusedException refused = assertThrows(NovaRefusedException.class, () -> nova.begin("n2"));
        assertEquals("UNTRUSTED", refused.code());
        assertEquals(Phase.ROLLED_BACK, refused.record().outcome());
        assertTrue(refused.getMessage().contains("failed attestation"), refused.getMessage());
        assertEquals(0, harness.n("n2").count("prepare-incoming"), "nothing is prepared on an unattested host");
        assertEquals(0, harness.n("n1").count("freeze"));
        assertEquals("RUNNING", harness.n("n1").row(Harness.VM).orElseThrow().state());
        assertEquals(3, harness.n("n1").row(Harness.VM).orElseThrow().epoch());
        UUID refusedId = refused.record().id();
        assertThrows(UnknownMigrationException.class, () -> nova.hooks.prepare(Harness.VM, refusedId),
                "Nova's next hook finds no migration in progress");
    }

    @Test
    void aRetriedPreCheckToTheSameDestinationAnswersTheSameMigration() {
        MigrationRecord first = nova.begin("n2");
        MigrationRecord again = nova.begin("n2");
        assertEquals(first.id(), again.id());
        assertEquals(Phase.DEST_ATTESTED, again.phase());
        assertTrue(again.isActive());
        assertEquals(List.of("n2"), harness.attested, "the retry is answered from the journal, not attested again");
        assertEquals(1, harness.journal.list(false, 10).size(), "one migration journaled");
    }

    @Test
    void aNewAttemptSupersedesOneNovaLeftAtDestAttested() {
        MigrationRecord abandoned = nova.begin("n2");
        MigrationRecord next = nova.begin("n3");
        assertNotEquals(abandoned.id(), next.id());
        assertEquals("n3", next.destination());
        assertEquals(Phase.DEST_ATTESTED, next.phase());
        MigrationRecord superseded = harness.journal.find(abandoned.id()).orElseThrow();
        assertEquals(Phase.ROLLED_BACK, superseded.outcome());
        assertTrue(superseded.reason().contains("superseded by Nova's next attempt (to n3)"), superseded.reason());
        assertThrows(UnknownMigrationException.class, () -> nova.hooks.prepare(Harness.VM, abandoned.id()));
        nova.prepare();
        nova.send();
        nova.moveVm("n3");
        MigrationRecord committed = nova.commit();
        assertEquals(Phase.COMMITTED, committed.outcome(), committed.reason());
        assertEquals(4, harness.n("n3").row(Harness.VM).orElseThrow().epoch());
    }

    @Test
    void aNewAttemptIsRefusedWhileTheEarlierOneIsPastDestPreparedAndThatOneGoesOn() {
        nova.begin("n2");
        UUID prepared = nova.prepare().id();
        // neither superseded (its destination holds an incoming vTPCM) nor answered as a retry: the journal refuses a second run
        assertThrows(VmAlreadyMigratingException.class, () -> nova.hooks.begin(NovaDriver.request("n1", "n3", true)));
        assertThrows(VmAlreadyMigratingException.class, () -> nova.hooks.begin(NovaDriver.request("n1", "n2", true)),
                "only a pre-check still at DEST_ATTESTED is answered as a retry");
        assertEquals(List.of("n2"), harness.attested, "n3 was never attested");
        MigrationRecord earlier = harness.journal.find(prepared).orElseThrow();
        assertTrue(earlier.isActive());
        assertEquals(Phase.DEST_PREPARED, earlier.phase());
        assertEquals(1, harness.journal.list(false, 10).size());
        nova.send();
        nova.moveVm("n2");
        assertEquals(Phase.COMMITTED, nova.commit().outcome());
    }

    @Test
    void aSourceOtherThanWhereTheVtpcmLivesIsAConflict() {
        NovaRefusedException refused = assertThrows(NovaRefusedException.class, () -> nova.begin(NovaDriver.request("n3", "n2", true)));
        assertEquals("CONFLICT", refused.code());
        assertEquals(Phase.ROLLED_BACK, refused.record().outcome());
        assertTrue(refused.getMessage().contains("Nova migrates from n3 but the vTPCM of " + Harness.VM + " lives on n1"),
                refused.getMessage());
        assertTrue(harness.attested.isEmpty(), "no destination is attested for a request that names the wrong source");
        assertEquals(0, harness.n("n2").count("prepare-incoming"));
        assertEquals("RUNNING", harness.n("n1").row(Harness.VM).orElseThrow().state());
        assertEquals(3, harness.n("n1").row(Harness.VM).orElseThrow().epoch());
    }

    @Test
    void hooksNamingAnUnknownMigrationOrAnotherInstanceAreRefusedAndTheRunIsUntouched() {
        assertThrows(UnknownMigrationException.class, () -> nova.hooks.prepare(Harness.VM, UUID.randomUUID()), "nothing begun yet");
        UUID id = nova.begin("n2").id();
        UUID unknown = UUID.randomUUID();
        assertThrows(UnknownMigrationException.class, () -> nova.hooks.prepare(Harness.VM, unknown));
        assertThrows(UnknownMigrationException.class, () -> nova.hooks.prepare(OTHER_INSTANCE, id), "the id of another instance's run");
        assertThrows(UnknownMigrationException.class, () -> nova.hooks.send(Harness.VM, unknown));
        assertThrows(UnknownMigrationException.class, () -> nova.hooks.send(OTHER_INSTANCE, id));
        assertThrows(UnknownMigrationException.class, () -> nova.hooks.commit(Harness.VM, unknown));
        assertThrows(UnknownMigrationException.class, () -> nova.hooks.commit(OTHER_INSTANCE, id));
        assertThrows(UnknownMigrationException.class, () -> nova.hooks.abort(Harness.VM, unknown, "no such run"));
        assertThrows(UnknownMigrationException.class, () -> nova.hooks.abort(OTHER_INSTANCE, id, "not this instance's"));
        MigrationRecord record = harness.journal.find(id).orElseThrow();
        assertTrue(record.isActive());
        assertEquals(Phase.DEST_ATTESTED, record.phase());
        assertEquals(0, harness.n("n2").count("prepare-incoming"));
        assertEquals(Phase.COMMITTED, continueToCommit().outcome());
    }

    @Test
    void aCommitBeforeTheStateWasSentIsRefusedAndTheRunGoesOn() {
        nova.begin("n2");
        nova.prepare();
        PastSwitchoverException refused = assertThrows(PastSwitchoverException.class, nova::commit);
        assertTrue(refused.getMessage().contains("the TPCM state was not sent yet"), refused.getMessage());
        MigrationRecord record = harness.journal.find(nova.migration).orElseThrow();
        assertTrue(record.isActive());
        assertFalse(record.switchedOver(), "a premature commit marks no switchover");
        assertEquals(Phase.DEST_PREPARED, record.phase());
        nova.send();
        nova.moveVm("n2");
        assertEquals(Phase.COMMITTED, nova.commit().outcome());
    }

    @Test
    void aRepeatedCommitAnswersTheCommittedRecordWithoutCommittingAgain() {
        MigrationRecord committed = nova.migrate("n2");
        MigrationRecord again = nova.commit();
        assertEquals(committed.id(), again.id());
        assertEquals(Phase.COMMITTED, again.outcome());
        assertEquals(1, harness.n("n2").count("commit"));
        assertEquals(1, harness.n("n1").count("commit"));
        List<String> history = harness.journal.history(nova.migration);
        assertEquals(1, history.stream().filter(line -> line.contains(" COMMITTED end")).count(), String.join("\n", history));
    }

    @Test
    void anAbortAfterPrepareRollsBackAndARepeatedAbortAnswersTheRecord() {
        nova.begin("n2");
        nova.prepare();
        MigrationRecord aborted = nova.abort("pre_live_migration failed on n2");
        assertEquals(Phase.ROLLED_BACK, aborted.outcome());
        assertTrue(aborted.reason().startsWith("Nova rolled the live migration back: pre_live_migration failed on n2"), aborted.reason());
        assertEquals("DESTROYED", harness.n("n2").row(Harness.VM).orElseThrow().state());
        assertEquals("RUNNING", harness.n("n1").row(Harness.VM).orElseThrow().state());
        assertEquals(3, harness.n("n1").row(Harness.VM).orElseThrow().epoch(), "before the freeze, a rollback spends no epoch");
        MigrationRecord again = nova.abort("rollback_live_migration_at_source");
        assertEquals(aborted.id(), again.id());
        assertEquals(aborted.reason(), again.reason(), "the first reason stays");
        assertEquals(1, harness.n("n2").count("abort"), "nothing is rolled back twice");
    }

    @Test
    void anAbortAfterSendWhileTheGuestStayedAtTheSourceThawsTheVtpcmThere() {
        nova.begin("n2");
        nova.prepare();
        nova.send();
        MigrationRecord aborted = nova.abort("libvirt: migration job failed");
        assertEquals(Phase.ROLLED_BACK, aborted.outcome(), aborted.reason());
        assertFalse(aborted.switchedOver());
        assertEquals("RUNNING", harness.n("n1").row(Harness.VM).orElseThrow().state());
        assertEquals(4, harness.n("n1").row(Harness.VM).orElseThrow().epoch(), "the aborted attempt consumed an epoch");
        assertEquals("DESTROYED", harness.n("n2").row(Harness.VM).orElseThrow().state(), "the staged copy is destroyed");
        assertTrue(harness.receipts.find(nova.migration).isEmpty());
    }

    @Test
    void anAbortOfACommittedMigrationAnswersItAndUndoesNothing() {
        MigrationRecord committed = nova.migrate("n2");
        MigrationRecord answered = nova.abort("rollback_live_migration_at_destination, too late");
        assertEquals(committed.id(), answered.id());
        assertEquals(Phase.COMMITTED, answered.outcome());
        assertEquals(0, harness.n("n1").count("abort") + harness.n("n2").count("abort"));
        assertEquals("RUNNING", harness.n("n2").row(Harness.VM).orElseThrow().state());
        assertEquals("DESTROYED", harness.n("n1").row(Harness.VM).orElseThrow().state());
    }

    @Test
    void anOperatorAbortsANovaDrivenRunThroughTheCoordinator() {
        nova.begin("n2");
        nova.prepare();
        MigrationRecord aborted = harness.protocol.coordinator().abort(nova.migration);
        assertEquals(Phase.ROLLED_BACK, aborted.outcome());
        assertTrue(aborted.reason().startsWith("aborted by the operator"), aborted.reason());
        assertEquals("DESTROYED", harness.n("n2").row(Harness.VM).orElseThrow().state());
        assertEquals("RUNNING", harness.n("n1").row(Harness.VM).orElseThrow().state());
        assertThrows(UnknownMigrationException.class, nova::send, "Nova's next hook finds the run gone");
        assertEquals(Optional.empty(), nova.hooks.abortByOperator(UUID.randomUUID()), "Nova drives no such run");
        assertEquals(Optional.empty(), nova.hooks.abortByOperator(nova.migration), "no longer driven by Nova");
    }

    @Test
    void currentFindAndLatestLookUpTheInstancesMigrationExactly() {
        assertTrue(nova.hooks.current(Harness.VM).isEmpty());
        UUID id = nova.begin("n2").id();
        assertEquals(id, nova.hooks.current(Harness.VM).orElseThrow().id());
        assertTrue(nova.hooks.current(Harness.VM).orElseThrow().isActive());
        assertTrue(nova.hooks.find(Harness.VM, id).isPresent());
        assertTrue(nova.hooks.find(OTHER_INSTANCE, id).isEmpty(), "another instance's hooks never see this run");
        assertTrue(nova.hooks.current(OTHER_INSTANCE).isEmpty());
        continueToCommit();
        assertEquals(Phase.COMMITTED, nova.hooks.current(Harness.VM).orElseThrow().outcome(), "after the end: the newest");
        assertEquals(id, nova.hooks.latest(Harness.VM).orElseThrow().id());
        UUID back = nova.hooks.begin(new NovaHooks.NovaMigration(Harness.VM, "n2", "n1", Optional.empty(), true)).id();
        assertEquals(back, nova.hooks.latest(Harness.VM).orElseThrow().id(), "the migration back is now the newest");
        assertEquals(id, nova.hooks.find(Harness.VM, id).orElseThrow().id(), "the older one is still found by its id");
    }

    /** The rest of Nova's hooks after begin. */
    private MigrationRecord continueToCommit() {
        nova.prepare();
        nova.send();
        nova.moveVm("n2");
        return nova.commit();
    }
}
