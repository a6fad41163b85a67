package org.vtpcm.manager.migration;

import org.vtpcm.manager.store.NodeSchema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.collector.store.RetentionPolicy;
import org.vtpcm.collector.store.SnapshotStore;
import org.vtpcm.manager.association.Association;
import org.vtpcm.manager.association.AssociationStore;
import org.vtpcm.manager.association.ControlPolicy;
import org.vtpcm.manager.association.MigrationMismatchException;
import org.vtpcm.manager.association.MigrationMismatchException.Reason;
import org.vtpcm.manager.association.UnknownVtpcmException;
import org.vtpcm.manager.association.VtpcmState;
import org.vtpcm.manager.fakes.FakeLibvirtHost;
import org.vtpcm.manager.fakes.FakeTpmEngines;
import org.vtpcm.manager.keys.NodeBundleKey;
import org.vtpcm.manager.keys.NodeMasterKey;
import org.vtpcm.manager.keys.VtpcmSecretStore;
import org.vtpcm.manager.libvirt.MigrationOptions;
import org.vtpcm.protocol.store.SqliteDatabase;
import org.vtpcm.manager.tpcm.MeasurementLog;
import org.vtpcm.manager.tpcm.ReferenceValueLibrary;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.crypto.SuiteName;

/**
 * The attacks on hooks that ignored their migration id, each refused now: every hook acts only for
 * the vTPCM's current migration, an abort never unfreezes a source whose VM already left, and
 * migrate-vm goes only to the destination the state was sent to, with TLS.
 */
class MigrationBindingTest {
    private static final UUID VM = UUID.randomUUID();
    private static final String DOMAIN = "<domain type='kvm'><name>guest</name><uuid>" + VM + "</uuid></domain>";
    private static final MigrationOptions TLS = new MigrationOptions(1, false, true, true, 0);

    @TempDir
    Path folder;
    private final CryptoSuite suite = CryptoSuites.of(SuiteName.NIST);
    private final UUID migration = UUID.randomUUID();
    private final UUID other = UUID.randomUUID();
    private final UUID vtpcm = UUID.randomUUID();
    private SqliteDatabase database;
    private AssociationStore associations;
    private FakeTpmEngines engines;
    private FakeLibvirtHost libvirt;
    private IncomingMigrations incoming;
    private MigrationHooks hooks;
    private StateTransferHooks transfer;
    private VmMigrations vmMigrations;
    /** Where this node's libvirt job moving the VM away stands, as the commit asks it. */
    private VmMigrations.Departure departure = VmMigrations.Departure.NONE;

    @BeforeEach
    void setUp() {
        database = NodeSchema.open(folder.resolve("node.db"));
        associations = new AssociationStore(database, Clock.systemUTC());
        NodeMasterKey masterKey = NodeMasterKey.loadOrCreate(folder.resolve("keys/master.key"), suite);
        VtpcmSecretStore secrets = new VtpcmSecretStore(database, masterKey, suite);
        engines = new FakeTpmEngines();
        libvirt = new FakeLibvirtHost();
        incoming = new IncomingMigrations();
        hooks = new MigrationHooks("n1", associations, secrets, engines, incoming, suite, libvirt, vm -> VmMigrations.Departure.NONE);
        SnapshotStore snapshots = new SnapshotStore(folder.resolve("snapshots"), suite, masterKey.snapshotStoreKey(), Clock.systemUTC(),
                RetentionPolicy.defaults());
        transfer = new StateTransferHooks("n1", associations, secrets, engines, new MeasurementLog(database, suite, Clock.systemUTC()),
                new ReferenceValueLibrary(database, suite, Clock.systemUTC()), snapshots,
                NodeBundleKey.loadOrCreate(folder.resolve("keys"), masterKey, suite), incoming, libvirt, suite, Clock.systemUTC(),
                vm -> departure);
        vmMigrations = new VmMigrations(associations, libvirt, new FakeLibvirtHost(), name -> false, Clock.systemUTC(), false);
    }

    @AfterEach
    void tearDown() {
        vmMigrations.close();
        database.close();
    }

    /** This node as the source: the VM runs here with its vTPCM. */
    private void runningHere() {
        associations.create(vtpcm, VM, "guest", VtpcmState.CREATED, 0, "n1", ControlPolicy.DENY);
        new VtpcmSecretStore(database, NodeMasterKey.loadOrCreate(folder.resolve("keys/master.key"), suite), suite).create(vtpcm);
        associations.transition(vtpcm, VtpcmState.CREATED, VtpcmState.RUNNING, "started");
        libvirt.startTransient(DOMAIN);
    }

    private void exportedTo(String destination) {
        runningHere();
        hooks.freeze(migration, VM);
        transfer.export(migration, VM, destination, new byte[32], ephemeral());
    }

    private PublicKey ephemeral() {
        return suite.generateSigningKeyPair().getPublic();
    }

    /** This node as the destination of {@code id}. */
    private void preparedHere(UUID id, long epoch) {
        hooks.prepareIncoming(id, vtpcm, VM, "guest", epoch, ControlPolicy.DENY, new byte[32], Optional.of("n2"), Optional.empty());
    }

    private Association row() {
        return associations.live(VM);
    }

    private static void assertRefused(Reason reason, Executable hook) {
        assertEquals(reason, assertThrows(MigrationMismatchException.class, hook).reason());
    }

    @Test
    void anAbortUnderAnotherIdDoesNotUnfreezeTheSource() {
        runningHere();
        hooks.freeze(migration, VM);

        assertRefused(Reason.MIGRATION_MISMATCH, () -> hooks.abort(other, VM));

        assertEquals(VtpcmState.FROZEN, row().state());
        assertEquals(Optional.of(migration), row().migrationId());
    }

    @Test
    void anAbortUnderAnotherIdDoesNotDestroyAnIncomingVtpcm() {
        preparedHere(migration, 1);

        assertRefused(Reason.MIGRATION_MISMATCH, () -> hooks.abort(other, VM));

        assertEquals(VtpcmState.MIGRATING_IN, row().state());
        assertTrue(engines.running().contains(vtpcm), "the incoming engine still runs");
        assertTrue(incoming.find(migration).isPresent());
    }

    @Test
    void aLateCleanUpAbortOfAnOldMigrationLeavesALaterMigrationsStagedVtpcm() {
        preparedHere(migration, 1);
        hooks.abort(migration, VM); // the first attempt failed and was rolled back
        preparedHere(other, 2);
        associations.transition(other, vtpcm, VtpcmState.MIGRATING_IN, VtpcmState.STAGED, 2, Optional.empty(), "staged");

        assertRefused(Reason.MIGRATION_MISMATCH, () -> hooks.abort(migration, VM));

        assertEquals(VtpcmState.STAGED, row().state());
        assertEquals(Optional.of(other), row().migrationId());
    }

    @Test
    void aFrozenVtpcmCannotBeTakenOverByAnotherMigration() {
        runningHere();
        hooks.freeze(migration, VM);

        assertRefused(Reason.MIGRATION_MISMATCH, () -> hooks.freeze(other, VM));
        assertRefused(Reason.MIGRATION_MISMATCH, () -> transfer.export(other, VM, "n3", new byte[32], ephemeral()));

        assertEquals(VtpcmState.FROZEN, row().state());
    }

    @Test
    void noHookOfTheSourceActsForAnotherMigration() {
        exportedTo("n2");

        assertRefused(Reason.MIGRATION_MISMATCH, () -> transfer.commit(other, VM));
        assertRefused(Reason.MIGRATION_MISMATCH, () -> transfer.evidence(other, VM));
        assertRefused(Reason.MIGRATION_MISMATCH, () -> vmMigrations.start(other, VM, "qemu+tls://n2/system", "n2", TLS));

        assertEquals(VtpcmState.MIGRATING_OUT, row().state(), "a commit under another id does not erase the source");
        assertEquals(Optional.of("n2"), row().migration().orElseThrow().destinationNode());
    }

    @Test
    void noHookOfTheDestinationActsForAnotherMigration() {
        preparedHere(migration, 1);
        associations.transition(migration, vtpcm, VtpcmState.MIGRATING_IN, VtpcmState.STAGED, 1, Optional.empty(), "staged");

        assertRefused(Reason.MIGRATION_MISMATCH, () -> transfer.commit(other, VM));
        assertRefused(Reason.MIGRATION_MISMATCH, () -> transfer.evidence(other, VM));
        assertRefused(Reason.MIGRATION_MISMATCH, () -> vmMigrations.resume(other, VM, Optional.empty()));
        assertRefused(Reason.MIGRATION_MISMATCH, () -> vmMigrations.arrival(other, VM));
        assertThrows(UnknownVtpcmException.class, () -> transfer.stage(other, new byte[64], Optional.of(ephemeral())),
                "a bundle for a migration not prepared here");

        assertEquals(VtpcmState.STAGED, row().state());
        assertEquals(VtpcmState.RUNNING, transfer.commit(migration, VM).state());
        assertTrue(row().migration().isEmpty(), "a committed vTPCM is in no migration");
    }

    @Test
    void anAbortAtTheSourceAfterTheVmLeftIsRefusedAndChangesNothing() {
        exportedTo("n2");
        libvirt.destroy("guest"); // the VM switched over to the destination: its domain is no longer active here

        assertRefused(Reason.PAST_SWITCHOVER, () -> hooks.abort(migration, VM));

        assertEquals(VtpcmState.MIGRATING_OUT, row().state());
        assertEquals(Optional.of(migration), row().migrationId());
    }

    @Test
    void anAbortAtTheSourceBeforeTheSwitchoverUnfreezesAndEndsTheMigration() {
        exportedTo("n2");

        Association aborted = hooks.abort(migration, VM);

        assertEquals(VtpcmState.RUNNING, aborted.state());
        assertTrue(row().migration().isEmpty());
        assertEquals(aborted, hooks.abort(migration, VM), "a repeated abort changes nothing");
        assertRefused(Reason.MIGRATION_MISMATCH, () -> transfer.commit(migration, VM));
    }

    @Test
    void anAbortForAVmWithoutVtpcmIsNotFound() {
        assertThrows(UnknownVtpcmException.class, () -> hooks.abort(migration, VM));
    }

    @Test
    void theVmMovesOnlyToTheDestinationItsStateWasSentTo() {
        exportedTo("n2");

        assertRefused(Reason.DESTINATION_MISMATCH, () -> vmMigrations.start(migration, VM, "qemu+tls://n3/system", "n3", TLS));

        libvirt.migrationRelease = new java.util.concurrent.CountDownLatch(0);
        assertEquals("qemu+tls://n2/system", vmMigrations.start(migration, VM, "qemu+tls://n2/system", "n2", TLS).destinationUri());
        assertRefused(Reason.MIGRATION_MISMATCH, () -> vmMigrations.outgoing(migration, UUID.randomUUID()));
    }

    @Test
    void aVmMigrationWithoutTlsIsRefusedUnlessTheNodeAllowsPlaintext() {
        exportedTo("n2");
        MigrationOptions plaintext = new MigrationOptions(1, false, false, true, 0);

        assertThrows(PlaintextRefusedException.class, () -> vmMigrations.start(migration, VM, "qemu+tcp://n2/system", "n2", plaintext));

        libvirt.migrationRelease = new java.util.concurrent.CountDownLatch(0);
        try (VmMigrations allowing = new VmMigrations(associations, libvirt, new FakeLibvirtHost(), name -> false, Clock.systemUTC(),
                true)) {
            assertFalse(allowing.start(migration, VM, "qemu+tcp://n2/system", "n2", plaintext).vmName().isEmpty());
        }
    }

    @Test
    void theBindingSurvivesARestartOfTheManager() {
        exportedTo("n2");
        database.close();
        database = NodeSchema.open(folder.resolve("node.db"));
        Association reopened = new AssociationStore(database, Clock.systemUTC()).live(VM);
        assertEquals(Optional.of(migration), reopened.migrationId());
        assertEquals(Optional.of("n2"), reopened.migration().orElseThrow().destinationNode());
    }

    @Test
    void aRepeatedSendAnswersTheBundleSealedBeforeAndOnlyForItsDestination() {
        runningHere();
        hooks.freeze(migration, VM);
        StateTransferHooks.Exported first = transfer.export(migration, VM, "n2", new byte[32], ephemeral());

        StateTransferHooks.Exported again = transfer.sealedAgain(migration, VM, "n2");

        assertTrue(java.util.Arrays.equals(first.bundle(), again.bundle()), "the same bytes: the destination stages it at most once");
        assertEquals(first.epoch(), again.epoch());
        assertTrue(java.util.Arrays.equals(first.bundle(), transfer.export(migration, VM, "n2", new byte[32], ephemeral()).bundle()),
                "an export repeated with a new key does not seal anew");
        assertRefused(Reason.DESTINATION_MISMATCH, () -> transfer.sealedAgain(migration, VM, "n3"));
        assertRefused(Reason.MIGRATION_MISMATCH, () -> transfer.sealedAgain(other, VM, "n2"));
    }

    @Test
    void nothingIsSentAgainBeforeItWasSealed() {
        runningHere();
        hooks.freeze(migration, VM);
        assertThrows(org.vtpcm.manager.association.IllegalTransitionException.class, () -> transfer.sealedAgain(migration, VM, "n2"));
        assertEquals(VtpcmState.FROZEN, row().state());
    }

    @Test
    void aBackgroundPushAnswersOnceSealedAndReportsItsOutcome() throws Exception {
        runningHere();
        hooks.freeze(migration, VM);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger refusals = new java.util.concurrent.atomic.AtomicInteger(1);
        BundleTransport transport = new BundleTransport() {
            @Override
            public Reply putChunk(java.net.URI destination, UUID migrationId, int index, int count, long length, byte[] sha256,
                    byte[] chunk) throws InterruptedException {
                release.await();
                return new Reply(200, "{}");
            }

            @Override
            public Reply stageChunks(java.net.URI destination, UUID migrationId, int count, long length, byte[] sha256) {
                return refusals.getAndDecrement() > 0 ? new Reply(409, "{\"code\":\"ILLEGAL_TRANSITION\",\"message\":\"no\"}")
                        : new Reply(200, "{\"state\":\"STAGED\"}");
            }
        };
        try (BundlePush push = new BundlePush(transfer, new BundleSender(transport, 1024, java.time.Duration.ofMillis(1)))) {
            BundlePush.Started started = push.pushInBackground(migration, VM, "n2", java.net.URI.create("https://n2:9443"), new byte[32],
                    ephemeral(), 1);

            assertEquals(org.vtpcm.nodeapi.BundleStatus.State.PUSHING, started.status().state());
            assertEquals(VtpcmState.MIGRATING_OUT, row().state(), "sealed before the answer: the VM may move");
            assertEquals(started.status(), push.pushInBackground(migration, VM, "n2", java.net.URI.create("https://n2:9443"), null,
                    null, 1).status(), "a push under way is not begun twice");
            release.countDown();
            org.vtpcm.nodeapi.BundleStatus failed = awaitEnd(push);
            assertEquals(org.vtpcm.nodeapi.BundleStatus.State.FAILED, failed.state());
            assertTrue(failed.error().contains("refused stage-chunks with 409 ILLEGAL_TRANSITION"), failed.error());

            push.pushInBackground(migration, VM, "n2", java.net.URI.create("https://n2:9443"), null, null, 1);
            assertEquals(org.vtpcm.nodeapi.BundleStatus.State.STAGED, awaitEnd(push).state(), "pushed again after the failure");
        }
    }

    @Test
    void aSourceWhoseVmHasNotSwitchedOverKeepsItsVtpcm() {
        exportedTo("n2");
        departure = VmMigrations.Departure.UNDER_WAY;

        assertThrows(org.vtpcm.manager.association.IllegalTransitionException.class, () -> transfer.commit(migration, VM));

        assertEquals(VtpcmState.MIGRATING_OUT, row().state(), "nothing is erased while the guest may still resume here");
    }

    @Test
    void aSourceCommittedWhileLibvirtStillStopsQemuIsErasedAndItsDomainLeftToLibvirt() {
        exportedTo("n2");
        departure = VmMigrations.Departure.SWITCHED_OVER;

        assertEquals(VtpcmState.DESTROYED, transfer.commit(migration, VM).state());

        assertTrue(libvirt.state("guest").isPresent(), "no call on the domain libvirtd still holds; it undefines it itself");
    }

    private org.vtpcm.nodeapi.BundleStatus awaitEnd(BundlePush push) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            org.vtpcm.nodeapi.BundleStatus status = push.status(migration).orElseThrow();
            if (status.state() != org.vtpcm.nodeapi.BundleStatus.State.PUSHING) {
                return status;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the push did not end within 10 s");
    }
}
