package org.vtpcm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.vtpcm.collector.interposer.ChannelReport;
import org.vtpcm.collector.swtpm.StateBlobType;
import org.vtpcm.protocol.state.StateDigest;
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
        LabNode first = lab.node(1);
        LabNode second = lab.node(2);
        Set<StateDigest> digests = new HashSet<>();
        try (LabInterposedTpm tpm = new LabInterposedTpm(lab); LabGuest guest = LabGuest.boot(lab, hosts, first, "it-proof", 128, tpm)) {
            for (LabNode destination : List.of(second, first, second)) {
                LabNode source = guest.node();
                HopResult hop = guest.migrateTo(destination, MigrationOptions.defaults());
                assertTrue(hop.sourceTpmEngineGone(), "the source engine exits and the interposer sees QEMU leave: " + hop);
                ChannelReport left = tpm.report(source, guest.name()).orElseThrow();
                ChannelReport arrived = awaitLoaded(tpm, destination, guest.name(), left.fetchedTypes());
                assertTrue(left.inSync(), left.toString());
                assertTrue(arrived.inSync(), arrived.toString());
                // QEMU moves the permanent and volatile state (savestate only exists for a suspended TPM)
                assertEquals(List.of(StateBlobType.PERMANENT, StateBlobType.VOLATILE), left.fetchedTypes().subList(0, 2), left.toString());
                assertEquals(left.fetchedTypes(), arrived.loadedTypes(), arrived.toString());
                assertTrue(left.fetchedDigest().isPresent(), left.toString());
                assertEquals(left.fetchedDigest(), arrived.loadedDigest(), "digest of the state that arrived at "
                        + destination + " equals the one that left " + source);
                assertTrue(digests.add(left.fetchedDigest()), "each hop moves a newer state");
                System.out.printf("hop %s -> %s: state SM3 %s, total %d ms%n", source.name(), destination.name(), left.fetchedDigest(),
                        hop.wallMillis());
            }
            guest.console().awaitStepAfter(guest.console().lastSeq(), Duration.ofSeconds(60));
            assertTrue(guest.verdict().continuous(), guest.verdict().summary());
            assertNotEquals(0, digests.size());
        }
    }

    private static ChannelReport awaitLoaded(LabInterposedTpm tpm, LabNode node, String name, List<StateBlobType> types) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Optional<ChannelReport> report = tpm.report(node, name);
        while (!report.map(found -> found.loadedTypes().equals(types)).orElse(false) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            report = tpm.report(node, name);
        }
        return report.orElseThrow(() -> new AssertionError("the interposer on " + node + " serves no channel for " + name));
    }
}
