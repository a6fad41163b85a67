package org.vtpcm.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.engine.journal.MigrationRecord;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.engine.journal.VmAlreadyMigratingException;
import org.vtpcm.nodeapi.AssociationView;

/** REQUESTED: a migration is opened for a live, RUNNING vTPCM only, journaled with its source and the epoch it will get. */
class MigrationOpenerTest {
    static final UUID OTHER_VM = UUID.fromString("00000000-0000-0000-0000-00000000000b");

    @TempDir
    Path folder;
    Harness harness;

    @BeforeEach
    void start() {
        harness = new Harness(folder);
    }

    @AfterEach
    void stop() {
        harness.protocol.coordinator().close();
        harness.close();
    }

    private static MigrationRequest request(String vm) {
        return new MigrationRequest(vm, Optional.empty(), "least-loaded", 1, false, true, true, 0);
    }

    @Test
    void anOpenedMigrationIsJournaledWithItsSourceAndNextEpoch() {
        AssociationView vtpcm = harness.n("n1").row(Harness.VM).orElseThrow();

        ActiveRun run = harness.protocol.opener().open(request("vm-a"));

        MigrationContext context = run.context();
        assertEquals(new SourceVtpcm("n1", "vm-a", vtpcm.vtpcmId(), 3, "deny"), context.source());
        assertEquals(64, context.nonceHex().length());
        MigrationRecord record = harness.record(run);
        assertEquals(Phase.REQUESTED, record.phase());
        assertTrue(record.done(Phase.REQUESTED));
        assertEquals(context.nonceHex(), record.nonce());
        assertEquals("n1", record.source());
        assertEquals(vtpcm.vtpcmId(), record.vtpcmId());
        assertEquals(4L, record.epoch());
        assertEquals("least-loaded", record.options().strategy());
        assertTrue(harness.nodes.log.isEmpty(), "located, nothing asked of the node");
    }

    @Test
    void eachMigrationHasItsOwnIdAndNonce() {
        harness.n("n3").runVm(OTHER_VM, "vm-b", 1);
        ActiveRun first = harness.protocol.opener().open(request(Harness.VM.toString()));
        ActiveRun second = harness.protocol.opener().open(request("vm-b"));
        assertNotEquals(first.id(), second.id());
        assertNotEquals(first.context().nonceHex(), second.context().nonceHex());
        assertEquals("n3", second.context().sourceHost());
    }

    @Test
    void anUnknownVmIsRefusedAndNothingJournaled() {
        assertThrows(UnknownVmException.class, () -> harness.protocol.opener().open(request("vm-z")));
        assertEquals(List.of(), harness.journal.list(false, 10));
    }

    @Test
    void aVtpcmThatIsNotRunningIsRefused() {
        harness.n("n1").force(Harness.VM, "FROZEN", 3, UUID.randomUUID());
        VmAlreadyMigratingException refused = assertThrows(VmAlreadyMigratingException.class,
                () -> harness.protocol.opener().open(request("vm-a")));
        assertTrue(refused.getMessage().contains("is FROZEN on n1, not RUNNING"), refused.getMessage());
        assertEquals(List.of(), harness.journal.list(false, 10));
    }

    @Test
    void aSecondUnfinishedMigrationOfTheVmIsRefused() {
        ActiveRun first = harness.protocol.opener().open(request("vm-a"));
        VmAlreadyMigratingException refused = assertThrows(VmAlreadyMigratingException.class,
                () -> harness.protocol.opener().open(request("vm-a")));
        assertTrue(refused.getMessage().contains(first.id().toString()), refused.getMessage());
    }

    @Test
    void theCoordinatorRefusesAPlaintextMigrationBeforeOpeningIt() {
        PolicyRefusedException refused = assertThrows(PolicyRefusedException.class, () -> harness.protocol.coordinator().start(
                new MigrationRequest("vm-a", Optional.empty(), "explicit", 1, false, false, true, 0)));
        assertEquals(PolicyRefusedException.PLAINTEXT_REFUSED, refused.code());
        assertEquals(List.of(), harness.journal.list(false, 10));
    }

    @Test
    void theCoordinatorRefusesToAbortAnUnknownOrEndedMigration() {
        assertThrows(UnknownMigrationException.class, () -> harness.protocol.coordinator().abort(UUID.randomUUID()));
        ActiveRun run = harness.open();
        harness.migrate(run);
        PastSwitchoverException refused = assertThrows(PastSwitchoverException.class, () -> harness.protocol.coordinator().abort(run.id()));
        assertEquals("migration " + run.id() + " has ended (COMMITTED)", refused.getMessage());
    }
}
