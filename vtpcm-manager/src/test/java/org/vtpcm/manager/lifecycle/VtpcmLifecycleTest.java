package org.vtpcm.manager.lifecycle;

import org.vtpcm.nodeapi.ReconcileReport;
import org.vtpcm.manager.store.NodeSchema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.manager.association.Association;
import org.vtpcm.manager.association.AssociationStore;
import org.vtpcm.manager.association.ControlPolicy;
import org.vtpcm.manager.association.IllegalTransitionException;
import org.vtpcm.manager.association.VtpcmState;
import org.vtpcm.manager.domain.DomainXmlPatcher;
import org.vtpcm.manager.fakes.FakeLibvirtHost;
import org.vtpcm.manager.fakes.FakeTpmEngines;
import org.vtpcm.manager.keys.NodeMasterKey;
import org.vtpcm.manager.keys.VtpcmSecretStore;
import org.vtpcm.nodeapi.DomainState;
import org.vtpcm.manager.libvirt.LibvirtException;
import org.vtpcm.protocol.store.SqliteDatabase;
import org.vtpcm.manager.tpcm.ArtifactKind;
import org.vtpcm.manager.tpcm.BootMeasurer;
import org.vtpcm.manager.tpcm.ControlDeniedException;
import org.vtpcm.manager.tpcm.LogEntry;
import org.vtpcm.manager.tpcm.MeasurementLog;
import org.vtpcm.manager.tpcm.ReferenceValueLibrary;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.crypto.SuiteName;

/** The life cycle with a fake libvirt and fake engines, a real database and real crypto (both suites). */
class VtpcmLifecycleTest {
    @TempDir
    Path folder;
    private SqliteDatabase database;
    private FakeLibvirtHost libvirt;
    private FakeTpmEngines engines;
    private AssociationStore associations;
    private VtpcmSecretStore secrets;
    private ReferenceValueLibrary library;
    private BootMeasurer measurer;
    private MeasurementLog log;
    private VtpcmLifecycle lifecycle;
    private CryptoSuite suite;
    private Path kernel;
    private Path initrd;

    private void setUp(SuiteName name) throws Exception {
        suite = CryptoSuites.of(name);
        database = NodeSchema.open(folder.resolve("node.db"));
        libvirt = new FakeLibvirtHost();
        engines = new FakeTpmEngines();
        associations = new AssociationStore(database, Clock.systemUTC());
        secrets = new VtpcmSecretStore(database, NodeMasterKey.loadOrCreate(folder.resolve("keys/master.key"), suite), suite);
        library = new ReferenceValueLibrary(database, suite, Clock.systemUTC());
        measurer = new BootMeasurer(suite, library);
        log = new MeasurementLog(database, suite, Clock.systemUTC());
        lifecycle = new VtpcmLifecycle("n1", associations, secrets, engines, libvirt, new DomainXmlPatcher(), measurer, log);
        libvirt.addLifecycleListener(new DomainEventHandler(associations, engines));
        kernel = Files.writeString(folder.resolve("vmlinuz"), "kernel bytes");
        initrd = Files.writeString(folder.resolve("initrd.img"), "initrd bytes");
        library.register(ArtifactKind.KERNEL, measurer.digestFile(kernel), "test kernel");
        library.register(ArtifactKind.INITRD, measurer.digestFile(initrd), "test initrd");
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.close();
        }
    }

    private String domainXml(UUID uuid) {
        return "<domain type='qemu'><name>vm-" + uuid.toString().substring(0, 8) + "</name><uuid>" + uuid + "</uuid>"
                + "<memory unit='MiB'>128</memory><os><type arch='x86_64' machine='q35'>hvm</type><kernel>" + kernel
                + "</kernel><initrd>" + initrd + "</initrd></os><devices/></domain>";
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void createStartStopDestroy(SuiteName name) throws Exception {
        setUp(name);
        UUID vm = UUID.randomUUID();
        Association created = lifecycle.create(domainXml(vm), ControlPolicy.DENY);
        assertEquals(VtpcmState.CREATED, created.state());
        assertTrue(libvirt.xml(created.vmName()).orElseThrow().contains("external"));

        var report = lifecycle.start(vm);
        assertEquals(VtpcmState.RUNNING, report.association().state());
        assertTrue(report.decision().start());
        assertTrue(engines.runningPid(created.vtpcmId()).isPresent());
        assertEquals(DomainState.RUNNING, libvirt.state(created.vmName()).orElseThrow());

        assertEquals(VtpcmState.CREATED, lifecycle.stop(vm).state());
        assertTrue(engines.runningPid(created.vtpcmId()).isEmpty());
        assertTrue(engines.hasState(created.vtpcmId()), "stopping keeps the TPM state");

        assertEquals(VtpcmState.DESTROYED, lifecycle.destroy(vm).state());
        assertFalse(engines.hasState(created.vtpcmId()));
        assertTrue(secrets.load(created.vtpcmId()).isEmpty(), "keys erased");
        assertTrue(libvirt.xml(created.vmName()).isEmpty());

        List<LogEntry> entries = log.entries(created.vtpcmId());
        assertTrue(entries.size() >= 5, "create, measurements, control, destroy: " + entries);
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void aDomainItsOwnerDefinesGetsItsVtpcmMeasuredAndItsTpmDevice(SuiteName name) throws Exception {
        setUp(name);
        UUID vm = UUID.randomUUID();
        AttachReport attached = lifecycle.attach(vm, domainXml(vm), ControlPolicy.DENY);
        UUID vtpcm = attached.association().vtpcmId();
        assertEquals(VtpcmState.RUNNING, attached.association().state());
        assertTrue(attached.domainXml().contains("type=\"external\"") || attached.domainXml().contains("type='external'"),
                attached.domainXml());
        assertTrue(attached.domainXml().contains(engines.controlSocket(vtpcm).toString()));
        assertTrue(engines.runningPid(vtpcm).isPresent(), "the TPM engine runs before the owner starts the domain");
        assertTrue(libvirt.xml(attached.association().vmName()).isEmpty(), "the manager does not define the owner's domain");
        assertTrue(attached.measurements().size() >= 2, "kernel and initrd measured: " + attached.measurements());

        AttachReport retried = lifecycle.attach(vm, domainXml(vm), ControlPolicy.DENY);
        assertEquals(vtpcm, retried.association().vtpcmId(), "a retried spawn gets the same vTPCM");

        // the owner destroyed its domain (never defined here): destroying the vTPCM needs no stop first
        assertEquals(VtpcmState.DESTROYED, lifecycle.destroy(vm).state());
        assertTrue(engines.runningPid(vtpcm).isEmpty());
        assertTrue(secrets.load(vtpcm).isEmpty(), "keys erased");
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void aDeniedAttachLeavesNothingBehind(SuiteName name) throws Exception {
        setUp(name);
        UUID vm = UUID.randomUUID();
        Files.writeString(kernel, "kernel bytes, tampered");
        ControlDeniedException e = assertThrows(ControlDeniedException.class, () -> lifecycle.attach(vm, domainXml(vm), ControlPolicy.DENY));
        assertTrue(e.reasons().get(0).startsWith("kernel " + kernel), e.reasons().toString());
        assertTrue(associations.findLiveByVm(vm).isEmpty(), "no live vTPCM is left for a VM that never ran");
        UUID other = UUID.randomUUID();
        assertThrows(org.vtpcm.manager.domain.InvalidDomainException.class, () -> lifecycle.attach(other, domainXml(vm),
                ControlPolicy.AUDIT), "the XML must be the named VM's");
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void aTamperedKernelIsRefusedUnderDeny(SuiteName name) throws Exception {
        setUp(name);
        UUID vm = UUID.randomUUID();
        Association created = lifecycle.create(domainXml(vm), ControlPolicy.DENY);
        Files.writeString(kernel, "kernel bytes, tampered");
        ControlDeniedException e = assertThrows(ControlDeniedException.class, () -> lifecycle.start(vm));
        assertTrue(e.reasons().get(0).startsWith("kernel " + kernel), e.reasons().toString());
        assertEquals(VtpcmState.CREATED, associations.find(created.vtpcmId()).orElseThrow().state());
        assertTrue(engines.runningPid(created.vtpcmId()).isEmpty(), "no engine started");
        assertEquals(DomainState.SHUT_OFF, libvirt.state(created.vmName()).orElseThrow());
        List<LogEntry> entries = log.entries(created.vtpcmId());
        assertEquals("deny", entries.get(entries.size() - 1).verdict());
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void auditStartsATamperedVmAndRecordsAnAlert(SuiteName name) throws Exception {
        setUp(name);
        UUID vm = UUID.randomUUID();
        Association created = lifecycle.create(domainXml(vm), ControlPolicy.AUDIT);
        Files.writeString(initrd, "other initrd");
        var report = lifecycle.start(vm);
        assertTrue(report.decision().alert());
        List<LogEntry> entries = log.entries(created.vtpcmId());
        assertEquals("alert", entries.get(entries.size() - 1).verdict());
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void theMeasurementLogVerifiesAndDetectsTampering(SuiteName name) throws Exception {
        setUp(name);
        UUID vm = UUID.randomUUID();
        Association created = lifecycle.create(domainXml(vm), ControlPolicy.DENY);
        lifecycle.start(vm);
        var key = secrets.identityPublic(created.vtpcmId()).orElseThrow();
        List<LogEntry> entries = log.entries(created.vtpcmId());
        assertEquals(List.of(), log.verify(created.vtpcmId(), entries, key));
        LogEntry first = entries.get(1);
        LogEntry edited = new LogEntry(first.seq(), first.at(), first.event(), first.target(), first.digest(), "trusted-edited",
                first.detail(), first.previousHash(), first.entryHash(), first.signature());
        List<LogEntry> tampered = new java.util.ArrayList<>(entries);
        tampered.set(1, edited);
        assertFalse(log.verify(created.vtpcmId(), tampered, key).isEmpty());
        assertFalse(log.verify(created.vtpcmId(), entries.subList(1, entries.size()), key).isEmpty(), "a shortened log fails");
        assertThrows(Exception.class, () -> database.inTransaction(c -> c.createStatement().executeUpdate("DELETE FROM measurement_log")));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void failuresLeaveNothingHalfDone(SuiteName name) throws Exception {
        setUp(name);
        UUID vm = UUID.randomUUID();
        libvirt.failNextDefine = true;
        assertThrows(LibvirtException.class, () -> lifecycle.create(domainXml(vm), ControlPolicy.DENY));
        assertTrue(associations.findLiveByVm(vm).isEmpty());
        Association created = lifecycle.create(domainXml(vm), ControlPolicy.DENY);
        libvirt.failNextStart = true;
        assertThrows(LibvirtException.class, () -> lifecycle.start(vm));
        assertEquals(VtpcmState.CREATED, associations.find(created.vtpcmId()).orElseThrow().state());
        assertTrue(engines.runningPid(created.vtpcmId()).isEmpty(), "the engine started for the failed start was stopped");
        assertThrows(IllegalTransitionException.class, () -> lifecycle.create(domainXml(vm), ControlPolicy.DENY));
        assertThrows(IllegalTransitionException.class, () -> lifecycle.stop(vm));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void aCrashOutsideTheManagerIsFollowed(SuiteName name) throws Exception {
        setUp(name);
        UUID vm = UUID.randomUUID();
        Association created = lifecycle.create(domainXml(vm), ControlPolicy.DENY);
        lifecycle.start(vm);
        libvirt.crash(created.vmName());
        assertEquals(VtpcmState.CREATED, associations.find(created.vtpcmId()).orElseThrow().state());
        assertTrue(engines.runningPid(created.vtpcmId()).isEmpty());
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void reconciliationAdoptsRepairsAndFlagsWithoutDeleting(SuiteName name) throws Exception {
        setUp(name);
        UUID running = UUID.randomUUID();
        UUID stoppedWhileDown = UUID.randomUUID();
        UUID engineGone = UUID.randomUUID();
        Association a = lifecycle.create(domainXml(running), ControlPolicy.DENY);
        Association b = lifecycle.create(domainXml(stoppedWhileDown), ControlPolicy.DENY);
        Association c = lifecycle.create(domainXml(engineGone), ControlPolicy.DENY);
        lifecycle.start(running);
        lifecycle.start(stoppedWhileDown);
        lifecycle.start(engineGone);
        // while the manager was "down": one VM stopped (no event seen), one engine died
        FakeLibvirtHost fresh = new FakeLibvirtHost();
        for (Association row : List.of(a, b, c)) {
            fresh.define(libvirt.xml(row.vmName()).orElseThrow());
        }
        fresh.start(a.vmName());
        fresh.start(c.vmName());
        engines.stop(c.vtpcmId());
        ReconcileReport report = new StartupReconciler(associations, engines, fresh, Clock.systemUTC()).reconcile();
        assertEquals(1, report.adopted().size(), report.toString());
        assertEquals(1, report.repaired().size(), report.toString());
        assertEquals(1, report.flagged().size(), report.toString());
        assertEquals(VtpcmState.CREATED, associations.find(b.vtpcmId()).orElseThrow().state());
        assertTrue(associations.find(c.vtpcmId()).orElseThrow().attention().isPresent());
        assertEquals(3, associations.list(false).size(), "nothing deleted");
    }
}
