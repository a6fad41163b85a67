package org.vtpcm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vtpcm.lab.HopResult;
import org.vtpcm.lab.LabConfig;
import org.vtpcm.lab.LabGuest;
import org.vtpcm.lab.LabHosts;
import org.vtpcm.lab.LabInterposedTpm;
import org.vtpcm.lab.LabNode;
import org.vtpcm.manager.libvirt.LibvirtJavaConnector;
import org.vtpcm.manager.libvirt.MigrationOptions;

/**
 * The exact proof of continuity with real QEMU: interposers on the TPM control channel of both
 * nodes see the state blobs QEMU fetches from the source engine during the switchover and loads
 * into the destination engine; their SM3 digests must be equal at every hop, and differ between
 * hops (the TPM state moved on in between).
 */
class StateContinuityProofLabIT {
    private static LabConfig lab;
    private static LabHosts hosts;

    @BeforeAll
    static void connect() {
        lab = LabConfig.load(LabConfig.defaultLabDirectory());
        hosts = new LabHosts(lab, new LibvirtJavaConnector());
    }

    @AfterAll
    static void disconnect() {
        if (hosts != null) {
            hosts.close();
        }
    }

    @Test
    void theStateThatArrivedEqualsTheStateThatLeftAtEveryHop() {
        LabInterposedTpm tpm = new LabInterposedTpm(lab);
        LabNode first = lab.node(1);
        LabNode second = lab.node(2);
        Set<String> digests = new HashSet<>();
        try (LabGuest guest = LabGuest.boot(lab, hosts, first, "it-proof", 128, tpm)) {
            for (LabNode destination : List.of(second, first, second)) {
                LabNode source = guest.node();
                HopResult hop = guest.migrateTo(destination, MigrationOptions.defaults());
                assertTrue(hop.sourceTpmEngineGone(), "the source engine and its interposer exit: " + hop);
                Properties left = tpm.readReport(source, guest.name());
                String types = left.getProperty("fetched.types", "");
                Properties arrived = awaitLoaded(tpm, destination, guest.name(), types);
                assertEquals("true", left.getProperty("in_sync"), left.toString());
                assertEquals("true", arrived.getProperty("in_sync"), arrived.toString());
                // QEMU moves the permanent and volatile state (savestate only exists for a suspended TPM)
                assertTrue(types.startsWith("PERMANENT,VOLATILE"), left.toString());
                assertEquals(types, arrived.getProperty("loaded.types"), arrived.toString());
                String leftDigest = left.getProperty("fetched.digest");
                assertFalse(leftDigest.isEmpty());
                assertEquals(leftDigest, arrived.getProperty("loaded.digest"), "digest of the state that arrived at "
                        + destination + " equals the one that left " + source);
                assertTrue(digests.add(leftDigest), "each hop moves a newer state");
                System.out.printf("hop %s -> %s: state SM3 %s (%s), total %d ms%n", source.name(), destination.name(), leftDigest,
                        left.getProperty("fetched.sizes"), hop.wallMillis());
            }
            guest.console().awaitStepAfter(guest.console().lastSeq(), Duration.ofSeconds(60));
            assertTrue(guest.verdict().continuous(), guest.verdict().summary());
            assertNotEquals(0, digests.size());
        }
    }

    private static Properties awaitLoaded(LabInterposedTpm tpm, LabNode node, String name, String types) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Properties report = tpm.readReport(node, name);
        while (!types.equals(report.getProperty("loaded.types")) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            report = tpm.readReport(node, name);
        }
        return report;
    }
}
