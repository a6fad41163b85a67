package org.vtpcm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vtpcm.engine.client.EngineClient;
import org.vtpcm.lab.ContinuityChecker;
import org.vtpcm.lab.EngineMigration;
import org.vtpcm.lab.LabCloud;
import org.vtpcm.lab.LabConfig;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.crypto.SuiteName;

/**
 * The migration engine drives the whole protocol in the lab: a guest with its vTPCM goes node 1 ->
 * node 2 (explicit host) -> node 1 (least-loaded), each migration attested, state sent between the
 * managers, the VM moved by the source's libvirtd with TLS, paused until the digests match, then
 * committed with a signed receipt (the way back over two multifd connections);
 * the guest's own TPM check stays continuous.
 */
class EngineLabIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LabCloud cloud;

    @BeforeAll
    static void startCloud() throws Exception {
        cloud = LabCloud.start(LabConfig.load(LabConfig.defaultLabDirectory()));
    }

    @AfterAll
    static void stopCloud() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void aGuestGoesThereAndBackThroughTheEngineWithItsStateProvenAndReceipted() throws Exception {
        LabCloud.Guest guest = cloud.bootGuest(1, "engine-guest", 128);
        EngineClient engine = cloud.engineClient();
        JsonNode hosts = engine.hosts();
        for (JsonNode host : hosts.path("hosts")) {
            assertEquals("TRUSTED", host.path("attestation").path("state").asText(), host.toString());
        }

        double committedBefore = metric(engine.metrics(), "vtpcm_migrations_total{outcome=\"COMMITTED\"}");
        double migratingBefore = metric(engine.metrics(), "vtpcm_migration_phase_seconds_count{phase=\"VM_MIGRATING\"}");
        JsonNode first = migrate(engine, JSON.createObjectNode().put("vm", guest.name()).put("to", cloud.lab().node(2).name()));
        assertCommitted(first, cloud.lab().node(1).name(), cloud.lab().node(2).name(), 1);
        assertEquals(cloud.lab().node(2).name(), cloud.hostOf(guest.uuid()));
        guest.console().awaitStepAfter(guest.console().lastSeq(), Duration.ofSeconds(60));

        // back by least-loaded selection, over two multifd connections (libvirt 9.0 refuses multifd compression: zlib)
        JsonNode second = migrate(engine, JSON.createObjectNode().put("vm", guest.uuid().toString()).put("parallel", 2));
        assertCommitted(second, cloud.lab().node(2).name(), cloud.lab().node(1).name(), 2);
        assertTrue(second.path("rejectedHosts").isEmpty() || second.path("rejectedHosts").toString().contains(cloud.lab().node(2).name()), second.toString());
        guest.console().awaitStepAfter(guest.console().lastSeq(), Duration.ofSeconds(60));
        assertTrue(ContinuityChecker.check(guest.console().steps()).continuous(),
                ContinuityChecker.check(guest.console().steps()).summary());

        JsonNode receipt = engine.receipt(first.path("id").asText());
        assertEquals(first.path("digestLeft").asText(), receipt.path("receipt").path("digestArrived").asText());
        CryptoSuite sm = CryptoSuites.of(SuiteName.SM);
        byte[] canonical = JSON.writeValueAsBytes(receipt.path("receipt"));
        assertTrue(sm.verify(sm.decodePublicKey(HexFormat.of().parseHex(receipt.path("signingKey").asText())), canonical,
                HexFormat.of().parseHex(receipt.path("signature").asText())), "the receipt's signature verifies");

        String metrics = engine.metrics();
        assertEquals(committedBefore + 2, metric(metrics, "vtpcm_migrations_total{outcome=\"COMMITTED\"}"), metrics);
        assertEquals(migratingBefore + 2, metric(metrics, "vtpcm_migration_phase_seconds_count{phase=\"VM_MIGRATING\"}"), metrics);
        assertTrue(metrics.contains("vtpcm_migration_downtime_seconds_count"), metrics);
        assertFalse(engine.vtpcms().path("vtpcms").isEmpty());
        cloud.destroyGuest(guest.uuid());
    }

    /** A sample's value in Prometheus text, 0 when absent (a labelled series appears on first use). */
    private static double metric(String text, String series) {
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    private static JsonNode migrate(EngineClient engine, com.fasterxml.jackson.databind.node.ObjectNode body) throws Exception {
        JsonNode started = EngineMigration.start(engine, body);
        return EngineMigration.await(engine, started.path("id").asText(), Duration.ofMinutes(3));
    }

    private static void assertCommitted(JsonNode migration, String source, String destination, long epoch) {
        assertEquals("COMMITTED", migration.path("outcome").asText(), migration.toPrettyString());
        assertEquals(source, migration.path("source").asText());
        assertEquals(destination, migration.path("destination").asText());
        assertEquals(migration.path("digestLeft").asText(), migration.path("digestArrived").asText());
        assertFalse(migration.path("digestLeft").asText().isEmpty());
        assertEquals(epoch, migration.path("epoch").asLong());
        assertTrue(migration.path("downtimeMs").asLong() > 0, migration.toString());
    }
}
