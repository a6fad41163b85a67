package org.vtpcm.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vtpcm.lab.LabCa;
import org.vtpcm.lab.LabCloud;
import org.vtpcm.lab.LabConfig;
import org.vtpcm.lab.OpenStackLab;

/**
 * Our Tempest plugin's scenarios (Debian's tempest 33) against the lab's real OpenStack, with the
 * vtpcm managers and engine running: Tempest boots a vtpcm server, live-migrates it with and
 * without a host, and checks Nova and the engine's record (committed, equal digests, receipt).
 */
class TempestLabIT {
    private static final Duration LIMIT = Duration.ofMinutes(12);
    private static LabConfig lab;
    private static OpenStackLab openstack;
    private static LabCloud cloud;

    @BeforeAll
    static void start() throws Exception {
        lab = LabConfig.load(LabConfig.defaultLabDirectory());
        Optional<OpenStackLab> profile = OpenStackLab.ifUp(lab);
        Assumptions.assumeTrue(profile.isPresent(), "the OpenStack lab profile is not up (devstack/lab/vtpcm-lab openstack-up)");
        openstack = profile.get();
        cloud = LabCloud.start(lab);
        openstack.prepare(cloud);
    }

    @AfterAll
    static void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void theTempestScenariosPassAgainstTheLabCloud() throws Exception {
        Path script = Path.of(System.getProperty("vtpcm.repo", "..")).toAbsolutePath().normalize()
                .resolve("nova-bridge/tempest/run-against-lab.sh");
        Path work = Files.createTempDirectory("vtpcm-tempest");
        OpenStackLab.Outcome outcome = openstack.attempt(LIMIT, "bash", script.toString(), cloud.engine().baseUri().toString(),
                cloud.ca().directory().resolve("clients").toString(), LabCa.OPERATOR, work.toString());
        System.out.println("tempest: " + outcome.out().lines().filter(line -> line.contains("vtpcm_tempest_plugin") || line.startsWith(
                "======") || line.contains("Passed") || line.contains("Failed") || line.contains("Skipped")).reduce("", (a, b) -> a + "\n" + b));
        assertTrue(outcome.ok(), "tempest failed (" + outcome.exitCode() + "), its log: " + work.resolve("tempest.log") + "\n"
                + tail(outcome.out()) + tail(outcome.err()));
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }
}
