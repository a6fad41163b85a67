package org.vtpcm.tests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vtpcm.lab.ContinuityVerdict;
import org.vtpcm.lab.HopResult;
import org.vtpcm.lab.LabConfig;
import org.vtpcm.lab.LabGuest;
import org.vtpcm.lab.LabHosts;
import org.vtpcm.lab.LabNode;
import org.vtpcm.manager.libvirt.LibvirtJavaConnector;
import org.vtpcm.manager.libvirt.MigrationOptions;

/**
 * Proves the continuity check can fail: after a good hop, the destination's swtpm is restarted
 * with fresh state. The guest must notice and the verdict must say broken.
 */
class ContinuityBreakDetectionLabIT {
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
    void restartingTheDestinationTpmWithFreshStateIsDetected() {
        LabNode destination = lab.node(2);
        try (LabGuest guest = LabGuest.boot(lab, hosts, lab.node(1), "it-break", 128)) {
            HopResult hop = guest.migrateTo(destination, MigrationOptions.defaults());
            assertTrue(guest.verdict().continuous(), "the good hop is continuous: " + guest.verdict().summary());

            guest.swtpm().kill(destination, guest.name());
            guest.swtpm().startFresh(destination, guest.name());
            long last = guest.console().lastSeq();
            guest.console().awaitStepAfter(last + 1, Duration.ofSeconds(60));

            ContinuityVerdict verdict = guest.verdict();
            assertFalse(verdict.continuous(), "a fresh TPM under the guest must break continuity; got " + verdict.summary()
                    + " after " + hop);
            assertTrue(verdict.problems().stream().anyMatch(p -> p.contains("fail")), verdict.summary());
        }
    }
}
