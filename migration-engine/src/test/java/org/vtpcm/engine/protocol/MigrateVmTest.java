package org.vtpcm.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.engine.journal.MigrationRecord;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.engine.journal.VmProgress;
import org.vtpcm.nodeapi.DomainState;
import org.vtpcm.nodeapi.JobProgress;
import org.vtpcm.nodeapi.ManagerClientException;
import org.vtpcm.nodeapi.MigrateVmRequest;
import org.vtpcm.nodeapi.VmMigrationStatus;

/** VM_MIGRATING on its own: the source's libvirt job is started, then followed until it switches over or fails. */
class MigrateVmTest {
    static final Instant JOB_STARTED = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path folder;
    Harness harness;
    FakeNode source;

    @BeforeEach
    void start() {
        harness = new Harness(folder);
        source = harness.n("n1");
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private ActiveRun sent(ActiveRun run) {
        harness.runThrough(run, Phase.TPCM_STATE_SENT);
        return run;
    }

    private void script(VmMigrationStatus... statuses) {
        source.vmMigrationScript.addAll(List.of(statuses));
    }

    @Test
    void theSourceMigratesPeerToPeerWithTheRequestedOptionsAndACompletedJobIsTheSwitchover() {
        ActiveRun run = sent(harness.protocol.opener().open(new MigrationRequest(Harness.VM.toString(), Optional.of("n2"), "explicit", 4,
                true, true, false, 250)));
        script(VmMigrationStatus.RUNNING, VmMigrationStatus.COMPLETED);

        Step result = harness.migrateVm().run(run);

        assertEquals(new MigrateVmRequest(Harness.VM, "qemu+tls://n2/system", "n2", 4, true, true, false, 250L), source.lastMigrateVm);
        assertTrue(result.context().switchedOver());
        assertEquals(new SwitchoverFacts(JOB_STARTED.plusMillis(1500), JOB_STARTED.plusMillis(1200)), result.context().switchover(),
                "ended when libvirt's job did; the guest stopped at the source's SUSPENDED event");
        assertEquals(result.context(), run.context(), "the run holds the switchover at once");
        assertEquals("the VM moved to n2 in 1500 ms (switchover)", result.detail());
        MigrationRecord record = harness.record(run);
        assertTrue(record.switchedOver(), "journaled before the phase is done: a restart rolls forward");
        assertNull(record.progress());
        assertEquals(DomainState.RUNNING, harness.n("n2").domains.get(Harness.VM), "resume-first: the guest runs at the destination");
    }

    @Test
    void libvirtsConfirmationIsTheSwitchoverBeforeTheJobEnds() {
        ActiveRun run = sent(harness.open());
        source.confirmed = true;
        script(VmMigrationStatus.RUNNING);
        harness.time.clock.advance(Duration.ofSeconds(5));

        Step result = harness.migrateVm().run(run);

        assertEquals(1, source.count("vm-migration"), "the first confirmed answer is enough");
        assertEquals(new SwitchoverFacts(JOB_STARTED.plusSeconds(5), JOB_STARTED.plusMillis(1200)), result.context().switchover());
        assertEquals("the VM moved to n2 (switchover confirmed by the source's libvirtd after 1450 ms; it is still stopping QEMU there)",
                result.detail());
        assertEquals(DomainState.PAUSED, harness.n("n2").domains.get(Harness.VM), "verify-before-resume: paused at the destination");
    }

    @Test
    void aFailedJobIsARefusalWithLibvirtsErrorAndNoSwitchover() {
        ActiveRun run = sent(harness.open());
        script(VmMigrationStatus.RUNNING, VmMigrationStatus.FAILED);
        ProtocolRefusal refusal = assertThrows(ProtocolRefusal.class, () -> harness.migrateVm().run(run));
        assertEquals("the VM migration failed: job failed", refusal.getMessage());
        assertFalse(run.context().switchedOver());
        assertFalse(harness.record(run).switchedOver());
    }

    @Test
    void theJobsProgressIsJournaledWhileItRunsAndClearedAtTheSwitchover() {
        ActiveRun run = sent(harness.open());
        source.jobProgress = new JobProgress(2000, 1000, 400, 600);
        script(VmMigrationStatus.RUNNING, VmMigrationStatus.RUNNING, VmMigrationStatus.RUNNING, VmMigrationStatus.COMPLETED);
        List<VmProgress> seen = new ArrayList<>();
        harness.time.meanwhile = () -> seen.add(harness.record(run).progress());

        harness.migrateVm().run(run);

        assertEquals(new VmProgress(1000, 400, 600, 200, 3L), seen.get(0), "200 B/s over libvirt's 2 s; 3 s left");
        assertNull(harness.record(run).progress());
    }

    @Test
    void anUnreachableSourceManagerIsFollowedThroughItsOutage() {
        ActiveRun run = sent(harness.open());
        int[] outage = {5};
        source.failOn.put("vm-migration", () -> outage[0]-- > 0 ? new ManagerClientException(0, "UNREACHABLE", "n1 down") : null);
        script(VmMigrationStatus.COMPLETED);

        Step result = harness.migrateVm().run(run);

        assertTrue(result.context().switchedOver());
        assertEquals(6, source.count("vm-migration"));
        assertEquals(5, harness.time.pauses.size());
    }

    @Test
    void anErrorOtherThanUnreachableFromTheSourceStopsTheFollowing() {
        ActiveRun run = sent(harness.open());
        source.failOn.put("vm-migration", () -> new ManagerClientException(500, "INTERNAL", "libvirt connection lost"));
        ManagerClientException error = assertThrows(ManagerClientException.class, () -> harness.migrateVm().run(run));
        assertEquals(500, error.status());
        assertFalse(run.context().switchedOver());
    }

    @Test
    void noRecordAtTheSourceWithTheVmAtTheDestinationIsASwitchoverJudgedByPlacement() {
        ActiveRun run = sent(harness.open());
        harness.crashAfterVmMigrationStarted(run);
        source.moveDomain(Harness.VM);
        source.remembersVmMigration = false;
        harness.time.clock.advance(Duration.ofSeconds(9));

        Step result = harness.migrateVm().follow(run);

        assertEquals(new SwitchoverFacts(JOB_STARTED.plusSeconds(9), null), result.context().switchover());
        assertEquals("the VM is at n2 (judged by placement after a restart)", result.detail());
        assertTrue(harness.record(run).switchedOver());
    }

    @Test
    void noRecordAtTheSourceWithTheVmStillThereIsARefusal() {
        ActiveRun run = sent(harness.open());
        harness.crashAfterVmMigrationStarted(run);
        source.remembersVmMigration = false;
        ProtocolRefusal refusal = assertThrows(ProtocolRefusal.class, () -> harness.migrateVm().follow(run));
        assertEquals("the VM migration did not complete: the VM still runs at n1", refusal.getMessage());
    }

    @Test
    void noRecordWhileLibvirtSettlesWaitsUntilOneHostHasTheVm() {
        ActiveRun run = sent(harness.open());
        harness.crashAfterVmMigrationStarted(run);
        source.remembersVmMigration = false;
        source.domains.remove(Harness.VM); // between the hosts: active at neither
        harness.time.meanwhile = () -> {
            if (harness.time.pauses.size() == 3) {
                harness.n("n2").domains.put(Harness.VM, DomainState.PAUSED);
            }
        };

        Step result = harness.migrateVm().follow(run);

        assertTrue(result.context().switchedOver());
        assertEquals(4, source.count("vm-migration"), "asked again at each poll until placement settled");
    }

    @Test
    void aBundleTheDestinationRefusedBeforeTheSwitchoverAbortsTheJob() {
        source.pushFailures = 1;
        ActiveRun run = sent(harness.open());
        script(VmMigrationStatus.RUNNING, VmMigrationStatus.RUNNING);

        ProtocolRefusal refusal = assertThrows(ProtocolRefusal.class, () -> harness.migrateVm().run(run));

        assertEquals(1, source.count("migrate-vm/abort"), "the libvirt job is aborted: no guest goes where its vTPCM cannot follow");
        assertEquals("the vTPCM's state could not be staged at n2: n2 refused the bundle", refusal.getMessage());
        assertFalse(run.context().switchedOver());
    }

    @Test
    void aBundleStillOnItsWayDoesNotHoldTheJob() {
        ActiveRun run = sent(harness.open());
        source.push = new org.vtpcm.nodeapi.BundleStatus(org.vtpcm.nodeapi.BundleStatus.State.PUSHING, 4096, 0, 0, 0, null);
        script(VmMigrationStatus.RUNNING, VmMigrationStatus.COMPLETED);

        assertTrue(harness.migrateVm().run(run).context().switchedOver());
        assertEquals(0, source.count("migrate-vm/abort"));
    }

    @Test
    void anAbortTheJobNoLongerHeedsEndsInTheSwitchoverNotARefusal() {
        ActiveRun run = sent(harness.open());
        source.abortHeeded = false;
        script(VmMigrationStatus.RUNNING, VmMigrationStatus.RUNNING, VmMigrationStatus.RUNNING, VmMigrationStatus.COMPLETED);
        harness.time.meanwhile = run::requestAbort;

        Step result = harness.migrateVm().run(run);

        assertEquals(1, source.count("migrate-vm/abort"), "the abort is sent once");
        assertTrue(result.context().switchedOver(), "libvirt's verdict wins over the abort that came too late");
        assertFalse(run.abortPending(), "an abort asked before the switchover is moot after it");
    }

    @Test
    void aJobThatDoesNotStopAfterItsAbortFailsTheFollowingAMinuteAfterTheTimeout() {
        ActiveRun run = sent(harness.open());
        source.abortHeeded = false;
        script(VmMigrationStatus.RUNNING);

        IllegalStateException stuck = assertThrows(IllegalStateException.class, () -> harness.migrateVm().run(run));

        assertEquals("the VM migration did not stop after an abort; still at phase VM_MIGRATING", stuck.getMessage());
        assertEquals(1, source.count("migrate-vm/abort"));
        Duration waited = harness.time.paused();
        assertTrue(waited.compareTo(Duration.ofSeconds(360)) > 0 && waited.compareTo(Duration.ofSeconds(361)) < 0, waited.toString());
    }
}
