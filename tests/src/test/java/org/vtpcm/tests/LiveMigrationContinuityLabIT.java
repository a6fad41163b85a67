package org.vtpcm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vtpcm.lab.ContinuityVerdict;
import org.vtpcm.lab.HopResult;
import org.vtpcm.lab.LabConfig;
import org.vtpcm.lab.LabGuest;
import org.vtpcm.lab.LabHosts;
import org.vtpcm.lab.LabNode;
import org.vtpcm.lab.PlacementMonitor;
import org.vtpcm.manager.libvirt.LibvirtJavaConnector;
import org.vtpcm.manager.libvirt.MigrationOptions;

/**
 * Against the real lab: a guest with an external swtpm TPM migrates node 1 -> 2 -> 1 three times
 * through libvirt-java (peer-to-peer, destination swtpm pre-started with empty state); its own TPM
 * check must continue with no gap, no repeat and no failure at every hop, and it must run on
 * exactly one node at all times.
 */
class LiveMigrationContinuityLabIT {
    private static LabConfig lab;
    private static LabHosts hosts;
    private static LabHosts monitorHosts;

    @BeforeAll
    static void connect() {
        lab = LabConfig.load(LabConfig.defaultLabDirectory());
        LibvirtJavaConnector connector = new LibvirtJavaConnector();
        hosts = new LabHosts(lab, connector);
        monitorHosts = new LabHosts(lab, connector);
    }

    @AfterAll
    static void disconnect() {
        if (hosts != null) {
            hosts.close();
        }
        if (monitorHosts != null) {
            monitorHosts.close();
        }
    }

    @Test
    void tpmStateContinuesAcrossThreeRoundTrips() {
        LabNode first = lab.node(1);
        LabNode second = lab.node(2);
        List<HopResult> hops = new ArrayList<>();
        try (LabGuest guest = LabGuest.boot(lab, hosts, first, "it-roundtrip", 128);
                PlacementMonitor monitor = new PlacementMonitor(guest.name(), monitorHosts.all())) {
            for (int round = 1; round <= 3; round++) {
                for (LabNode destination : List.of(second, first)) {
                    HopResult hop = guest.migrateTo(destination, MigrationOptions.defaults());
                    hops.add(hop);
                    ContinuityVerdict verdict = guest.verdict();
                    assertTrue(verdict.continuous(), "after hop " + hops.size() + " " + hop + ": " + verdict.summary());
                    assertTrue(hop.firstSeqAfter() > hop.lastSeqBefore(), "guest made progress after " + hop);
                    assertTrue(hop.sourceTpmEngineGone(), "the source swtpm must exit after the switchover: " + hop);
                    assertTrue(guest.swtpm().runningPid(destination, guest.name()).isPresent(), "destination swtpm runs");
                    assertTrue(hosts.host(destination).activeDomains().contains(guest.name()), "guest active at destination");
                    LabNode source = destination.equals(first) ? second : first;
                    assertTrue(hosts.host(source).state(guest.name()).isEmpty(), "no copy left on " + source);
                }
            }
            assertEquals(6, hops.size());
            assertTrue(monitor.rounds() > 10, "the placement monitor sampled (" + monitor.rounds() + " rounds)");
            assertEquals(List.of(), monitor.violations(), "the guest ran on exactly one node at all times");
            ContinuityVerdict verdict = guest.verdict();
            assertTrue(verdict.continuous(), verdict.summary());
            assertTrue(verdict.lastSeq() >= 7, "at least one step per hop: " + verdict.summary());
        }
    }
}
