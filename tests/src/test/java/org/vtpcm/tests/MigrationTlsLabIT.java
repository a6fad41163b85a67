package org.vtpcm.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.protocol.pki.Role;
import org.vtpcm.lab.ContinuityChecker;
import org.vtpcm.lab.GuestConsole;
import org.vtpcm.lab.GuestDomainXml;
import org.vtpcm.lab.LabCa;
import org.vtpcm.lab.LabConfig;
import org.vtpcm.lab.LabHosts;
import org.vtpcm.lab.LabLeftovers;
import org.vtpcm.lab.LabManager;
import org.vtpcm.lab.ManagedHop;
import org.vtpcm.nodeapi.DomainState;
import org.vtpcm.manager.libvirt.LibvirtException;
import org.vtpcm.manager.libvirt.LibvirtJavaConnector;
import org.vtpcm.manager.libvirt.MigrationOptions;
import org.vtpcm.manager.node.QemuMigrationTls;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.crypto.SuiteName;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.IssuedIdentity;

/**
 * QEMU's migration stream under TLS (VIR_MIGRATE_TLS) with the identities the cloud CA issued to
 * each node's QEMU at enrollment: hops through the managers' hooks with TLS and without (timed),
 * the guest's TPM check continuous throughout; then proof that TLS is really used: with a
 * certificate from another CA in node 2's QEMU folder a plain migration still works, a TLS one is
 * refused by QEMU's certificate check and the guest stays where it was.
 */
class MigrationTlsLabIT {
    private static final int ROUNDS = 2;
    private static final MigrationOptions TLS = new MigrationOptions(1, false, true, false, 0);
    private static final MigrationOptions PLAIN = MigrationOptions.defaults();

    private static LabConfig lab;
    private static LabCa ca;
    private static LabManager first;
    private static LabManager second;
    private static LabHosts hosts;

    @TempDir
    Path temp;

    @BeforeAll
    static void startManagers() {
        lab = LabConfig.load(LabConfig.defaultLabDirectory());
        ca = LabCa.of(lab);
        hosts = new LabHosts(lab, new LibvirtJavaConnector());
        first = new LabManager(lab, lab.node(1), ca);
        second = new LabManager(lab, lab.node(2), ca);
        for (LabManager manager : List.of(first, second)) {
            manager.configure("sm");
            manager.enroll();
            manager.start();
        }
    }

    @AfterAll
    static void stopManagers() {
        for (LabManager manager : new LabManager[] {first, second}) {
            if (manager != null) {
                manager.stop();
            }
        }
        if (hosts != null) {
            hosts.close();
        }
    }

    @Test
    void theMigrationStreamIsTlsProtectedWithTheCloudCasCertificates() throws Exception {
        CloudCa cloud = CloudCa.load(ca.directory());
        for (LabManager manager : List.of(first, second)) {
            IssuedIdentity qemu = QemuMigrationTls.read(manager.qemuTlsDirectory());
            assertTrue(cloud.issued(qemu.certificate()), "enrollment gave the QEMU of " + manager.node() + " a cloud CA certificate");
            assertEquals("CN=" + manager.node().name(), qemu.certificate().getSubjectX500Principal().getName());
        }
        CryptoSuite sm = CryptoSuites.of(SuiteName.SM);
        for (LabManager manager : List.of(first, second)) {
            manager.client().registerReferenceValue("kernel", digest(sm, lab.guestKernel()), "lab guest kernel");
            manager.client().registerReferenceValue("initrd", digest(sm, lab.guestInitrd()), "lab guest initramfs");
        }
        String name = LabLeftovers.uniqueName("tls-vm");
        UUID vm = UUID.randomUUID();
        Path consoleFile = lab.consoleDirectory().resolve(name + ".log");
        Files.deleteIfExists(consoleFile);
        first.client().createVm(new GuestDomainXml(name, vm, 128, lab.guestKernel(), lab.guestInitrd(), consoleFile,
                Path.of("/replaced/by/the/manager")).toXml(), "deny");
        first.client().startVm(vm);
        GuestConsole guest = new GuestConsole(consoleFile);
        guest.awaitStepAfter(2, Duration.ofSeconds(90));
        Hops hops = new Hops(name, vm, guest);
        try {
            Map<String, List<ManagedHop.Result>> timed = new LinkedHashMap<>();
            for (int round = 1; round <= ROUNDS; round++) {
                for (MigrationOptions options : List.of(TLS, PLAIN)) {
                    List<ManagedHop.Result> results = timed.computeIfAbsent(label(options), key -> new ArrayList<>());
                    results.add(hops.hop(first, second, options));
                    results.add(hops.hop(second, first, options));
                }
            }
            report(timed);
            provedByAForeignCertificate(hops, second);
        } finally {
            hops.cleanUp();
        }
    }

    /** With node 2's QEMU holding another CA's certificate, only a TLS migration cares, and it is refused. */
    private void provedByAForeignCertificate(Hops hops, LabManager node) throws Exception {
        Path folder = node.qemuTlsDirectory();
        Map<String, byte[]> originals = new LinkedHashMap<>();
        Map<String, Set<PosixFilePermission>> modes = new LinkedHashMap<>();
        for (String file : QemuMigrationTls.FILES) {
            originals.put(file, Files.readAllBytes(folder.resolve(file)));
            modes.put(file, Files.getPosixFilePermissions(folder.resolve(file)));
        }
        CloudCa foreign = CloudCa.create("some other CA", temp.resolve("foreign-ca"));
        IssuedIdentity impostor = foreign.issueTlsIdentity(Role.NODE_QEMU, node.node().name(), List.of(node.node().name()), List.of(node.node().ip()),
                Duration.ofDays(1), true, true);
        QemuMigrationTls.write(impostor, temp.resolve("foreign-qemu"));
        try {
            for (String file : QemuMigrationTls.FILES) {
                // a consistent folder (QEMU loads it), only from the wrong CA: the peers' handshake must refuse it
                Files.copy(temp.resolve("foreign-qemu").resolve(file), folder.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
            // without TLS QEMU never looks at the folder: there and back still works
            hops.hop(first, node, PLAIN);
            hops.hop(node, first, PLAIN);

            long before = hops.guest.lastSeq();
            Path sourceLog = domainLog(first, hops.name);
            Path destinationLog = domainLog(node, hops.name);
            long sourceLogSize = Files.size(sourceLog);
            long destinationLogSize = Files.exists(destinationLog) ? Files.size(destinationLog) : 0;
            LibvirtException refused = assertThrows(LibvirtException.class, () -> hops.hop(first, node, TLS));
            System.out.println("migration-tls: TLS migration to a node with a foreign certificate failed: " + refused.getMessage());
            assertTrue(refused.getMessage().toLowerCase(Locale.ROOT).contains("certificate"), refused.getMessage());
            // QEMU's own logs on the nodes: the source's TLS client refused the destination's certificate
            String sourceSays = appended(sourceLog, sourceLogSize);
            System.out.println("migration-tls: QEMU log on " + first.node().name() + ": " + sourceSays.strip());
            System.out.println("migration-tls: QEMU log on " + node.node().name() + ": " + appended(destinationLog, destinationLogSize).strip());
            assertTrue(sourceSays.contains("certificate hasn't got a known issuer"), sourceSays);
            assertEquals(Optional.of(DomainState.RUNNING), hosts.host(first.node()).state(hops.name), "the guest stayed on node 1");
            assertTrue(hosts.host(node.node()).state(hops.name).isEmpty(), "nothing left on node 2");
            assertEquals("RUNNING", first.client().vtpcm(hops.vm).path("vtpcm").path("state").asText(), "the vTPCM is back to RUNNING");
            hops.guest.awaitStepAfter(before + 2, Duration.ofSeconds(60));
            assertTrue(ContinuityChecker.check(hops.guest.steps()).continuous(), ContinuityChecker.check(hops.guest.steps()).summary());
        } finally {
            for (String file : QemuMigrationTls.FILES) {
                Files.write(folder.resolve(file), originals.get(file));
                Files.setPosixFilePermissions(folder.resolve(file), modes.get(file));
            }
        }
        for (String file : QemuMigrationTls.FILES) {
            assertArrayEquals(originals.get(file), Files.readAllBytes(folder.resolve(file)), file + " restored");
        }
    }

    /** libvirt's log of the domain's QEMU on that node (stderr of QEMU included). */
    private static Path domainLog(LabManager manager, String domain) {
        return manager.node().directory().resolve("log-libvirt").resolve("qemu").resolve(domain + ".log");
    }

    private static String appended(Path file, long from) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        byte[] all = Files.readAllBytes(file);
        return new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from), StandardCharsets.UTF_8);
    }

    private static String label(MigrationOptions options) {
        return options.tls() ? "tls" : "plain";
    }

    private static void report(Map<String, List<ManagedHop.Result>> timed) {
        System.out.println("migration-tls: 128 MiB TCG guest, single stream, no bandwidth cap; hop = the managers' hooks around"
                + " libvirt's migration; migrate = libvirt's migrateToURI call; downtime = QEMU's figure");
        for (Map.Entry<String, List<ManagedHop.Result>> entry : timed.entrySet()) {
            long[] migrate = entry.getValue().stream().mapToLong(result -> result.phaseMillis().get("VM_MIGRATING")).toArray();
            long[] total = entry.getValue().stream().mapToLong(ManagedHop.Result::totalMillis).toArray();
            long[] downtime = entry.getValue().stream().mapToLong(ManagedHop.Result::qemuDowntimeMillis).toArray();
            System.out.printf("migration-tls: %-5s %d hops: migrate median %d ms %s; hop total median %d ms %s;"
                    + " downtime median %d ms %s%n", entry.getKey(), total.length, median(migrate), Arrays.toString(migrate), median(total), Arrays.toString(total),
                    median(downtime), Arrays.toString(downtime));
        }
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length == 0 ? -1 : sorted[sorted.length / 2];
    }

    private static String digest(CryptoSuite suite, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return HexFormat.of().formatHex(suite.digest(in));
        }
    }

    /** The guest's hops, each checked: same state digests on both sides, next epoch, guest TPM check continuous. */
    private static final class Hops {
        private final String name;
        private final UUID vm;
        private final GuestConsole guest;
        private long epoch;

        Hops(String name, UUID vm, GuestConsole guest) {
            this.name = name;
            this.vm = vm;
            this.guest = guest;
        }

        ManagedHop.Result hop(LabManager from, LabManager to, MigrationOptions options) throws InterruptedException {
            ManagedHop.Result result = ManagedHop.run(hosts, from.node(), from.engineClient(), to.node(), to.engineClient(), name, vm, options);
            assertTrue(result.stateContinuous(), result.toString());
            assertEquals(++epoch, result.epoch());
            guest.awaitStepAfter(guest.lastSeq(), Duration.ofSeconds(60));
            assertTrue(ContinuityChecker.check(guest.steps()).continuous(), ContinuityChecker.check(guest.steps()).summary());
            System.out.printf("migration-tls: %s hop %s -> %s: migrate %d ms, total %d ms, downtime %d ms, epoch %d%n", label(options),
                    from.node().name(), to.node().name(), result.phaseMillis().get("VM_MIGRATING"), result.totalMillis(),
                    result.qemuDowntimeMillis(), result.epoch());
            return result;
        }

        void cleanUp() {
            LabLeftovers.remove(lab, hosts, name, vm, List.of(first.client(), second.client()));
        }
    }
}
