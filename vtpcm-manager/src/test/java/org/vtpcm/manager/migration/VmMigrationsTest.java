package org.vtpcm.manager.migration;

import org.vtpcm.manager.store.NodeSchema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.manager.association.AssociationStore;
import org.vtpcm.manager.association.ControlPolicy;
import org.vtpcm.manager.association.VtpcmState;
import org.vtpcm.manager.fakes.FakeLibvirtHost;
import org.vtpcm.manager.libvirt.DomainLifecycleEvent;
import org.vtpcm.nodeapi.JobProgress;
import org.vtpcm.manager.libvirt.MigrationOptions;
import org.vtpcm.protocol.store.SqliteDatabase;

/** The source side of a VM migration with a fake libvirt: progress, the Confirm phase, the outcome. */
class VmMigrationsTest {
    private static final UUID VM = UUID.randomUUID();
    private static final UUID MIGRATION = UUID.randomUUID();
    private static final MigrationOptions TLS = new MigrationOptions(1, false, true, false, 0);

    @TempDir
    Path folder;
    private SqliteDatabase database;
    private FakeLibvirtHost libvirt;
    private FakeLibvirtHost monitor;
    private final AtomicBoolean confirmed = new AtomicBoolean();
    private VmMigrations migrations;

    @BeforeEach
    void setUp() {
        database = NodeSchema.open(folder.resolve("node.db"));
        AssociationStore associations = new AssociationStore(database, Clock.systemUTC());
        UUID vtpcm = UUID.randomUUID();
        associations.create(vtpcm, VM, "guest", VtpcmState.CREATED, 0, "n1", ControlPolicy.DENY);
        associations.transition(vtpcm, VtpcmState.CREATED, VtpcmState.RUNNING, "started");
        associations.beginMigration(MIGRATION, vtpcm, "migration");
        associations.transition(MIGRATION, vtpcm, VtpcmState.FROZEN, VtpcmState.MIGRATING_OUT, -1, Optional.of("n2"), "exported");
        libvirt = new FakeLibvirtHost();
        monitor = new FakeLibvirtHost();
        migrations = new VmMigrations(associations, libvirt, monitor, name -> name.equals("guest") && confirmed.get(),
                Clock.systemUTC(), false);
    }

    @AfterEach
    void tearDown() {
        migrations.close();
        database.close();
    }

    @Test
    void theConfirmPhaseIsReportedWhileLibvirtdStillHoldsTheDomain() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        libvirt.migrationRelease = release;
        monitor.progress = new JobProgress(100, 4096, 1024, 3072);
        migrations.start(MIGRATION, VM, "qemu+tcp://n2/system", "n2", TLS);
        assertEquals(1024, awaitProgress().dataProcessed(), "byte progress while the guest runs here");

        monitor.jobGate = new CountDownLatch(1); // from now on libvirtd holds the domain: any call on it waits
        migrations.onEvent(new DomainLifecycleEvent("guest", VM, DomainLifecycleEvent.Kind.SUSPENDED, "MIGRATED"));
        org.vtpcm.nodeapi.OutgoingView stopped = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> migrations.outgoing(MIGRATION, VM),
                "the view makes no libvirt call once the guest stopped here");
        assertEquals(org.vtpcm.nodeapi.VmMigrationStatus.RUNNING, stopped.status());
        assertNotNull(stopped.suspendedAt());
        assertNull(stopped.confirmedAt(), "not before libvirtd enters its Confirm phase");
        assertNull(stopped.progress());

        confirmed.set(true);
        org.vtpcm.nodeapi.OutgoingView confirmedView = assertTimeoutPreemptively(Duration.ofSeconds(2),
                () -> migrations.outgoing(MIGRATION, VM));
        assertEquals(org.vtpcm.nodeapi.VmMigrationStatus.RUNNING, confirmedView.status(), "libvirtd is still stopping QEMU");
        assertNotNull(confirmedView.confirmedAt());
        assertTrue(!confirmedView.confirmedAt().isBefore(confirmedView.suspendedAt()));

        release.countDown();
        monitor.jobGate.countDown();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (migrations.outgoing(MIGRATION, VM).status() == org.vtpcm.nodeapi.VmMigrationStatus.RUNNING) {
            assertTrue(System.nanoTime() < deadline, "the migration did not complete");
            Thread.sleep(10);
        }
        assertEquals(org.vtpcm.nodeapi.VmMigrationStatus.COMPLETED, migrations.outgoing(MIGRATION, VM).status());
    }

    @Test
    void aConfirmationIsNotTakenBeforeTheGuestStoppedHere() throws Exception {
        libvirt.migrationRelease = new CountDownLatch(1);
        confirmed.set(true); // a stale status file must not count while the guest still runs here
        migrations.start(MIGRATION, VM, "qemu+tcp://n2/system", "n2", TLS);
        assertNull(migrations.outgoing(MIGRATION, VM).confirmedAt());
        libvirt.migrationRelease.countDown();
    }

    private JobProgress awaitProgress() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            JobProgress progress = migrations.outgoing(MIGRATION, VM).progress();
            if (progress != null) {
                return progress;
            }
            assertTrue(System.nanoTime() < deadline, "no progress sampled");
            Thread.sleep(10);
        }
    }

    @Test
    void aLongPolledReadIsAnsweredTheMomentLibvirtdConfirmsAndHeldUntilThen() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        libvirt.migrationRelease = release;
        migrations.start(MIGRATION, VM, "qemu+tcp://n2/system", "n2", TLS);
        migrations.onEvent(new DomainLifecycleEvent("guest", VM, DomainLifecycleEvent.Kind.SUSPENDED, "MIGRATED"));

        long held = System.nanoTime();
        migrations.awaitSwitchoverOrEnd(MIGRATION, Duration.ofMillis(200));
        assertTrue(System.nanoTime() - held >= Duration.ofMillis(150).toNanos(), "held while nothing happens");

        java.util.concurrent.Executors.newSingleThreadScheduledExecutor().schedule(() -> confirmed.set(true), 100,
                java.util.concurrent.TimeUnit.MILLISECONDS);
        long asked = System.nanoTime();
        migrations.awaitSwitchoverOrEnd(MIGRATION, Duration.ofSeconds(5));
        long answeredAfter = (System.nanoTime() - asked) / 1_000_000;
        assertNotNull(migrations.outgoing(MIGRATION, VM).confirmedAt(), "answered because libvirtd confirmed");
        assertTrue(answeredAfter < 2000, "answered at the confirmation, not at the end of the wait: " + answeredAfter + " ms");
        assertEquals(VmMigrations.Departure.SWITCHED_OVER, migrations.departure(VM));
        release.countDown();
    }

    @Test
    void aLongPolledReadOfAnUnknownMigrationIsAnsweredAtOnce() {
        assertTimeoutPreemptively(Duration.ofSeconds(1), () -> migrations.awaitSwitchoverOrEnd(UUID.randomUUID(), Duration.ofSeconds(5)));
    }
}
