package org.vtpcm.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NovaOverheadReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    private static NovaMigrationSample ok(int round, NovaBenchFlavor flavor, long total, long cli, double downtime) {
        boolean vtpcm = flavor == NovaBenchFlavor.VTPCM;
        return new NovaMigrationSample(round, flavor, round % 2 == 0 ? "vtpcm-n2" : "vtpcm-n1", round % 2 == 0 ? "vtpcm-n1" : "vtpcm-n2",
                null, total, cli, downtime, 40, vtpcm ? total - cli - 1000 : -1, vtpcm ? 45 : -1, "id " + round, "events", "");
    }

    private static NovaMigrationSample failed(int round, NovaBenchFlavor flavor) {
        return NovaMigrationSample.failed(round, flavor, "vtpcm-n1", "vtpcm-n2", "Nova's migration ended 'error'", "id 99");
    }

    private static NovaOverheadReport.Run run(String stoppedEarly) {
        return new NovaOverheadReport.Run("bin/bench nova-overhead --pairs 4", "abc1234", "2027-01-05T10:00:00Z", 2, 4, 300,
                Map.of("vtpcm", "128 MB, 1 vCPU", "plain", "128 MB, 1 vCPU"), stoppedEarly, Map.of("plain", 1), "server x: 40 steps");
    }

    /** Warm-up pair 0; pairs 1-4; in pair 3 the plain migration failed, so pair 3 has no ratio. */
    private static List<NovaMigrationSample> fixture() {
        List<NovaMigrationSample> samples = new ArrayList<>();
        samples.add(ok(0, NovaBenchFlavor.VTPCM, 60_000, 3000, 900)); // warm-up: excluded everywhere
        samples.add(ok(0, NovaBenchFlavor.PLAIN, 1000, 3000, 900));
        samples.add(ok(1, NovaBenchFlavor.VTPCM, 12_000, 3000, 300));
        samples.add(ok(1, NovaBenchFlavor.PLAIN, 8000, 3000, 200));
        samples.add(ok(2, NovaBenchFlavor.VTPCM, 15_000, 3000, 320));
        samples.add(ok(2, NovaBenchFlavor.PLAIN, 10_000, 3000, 220));
        samples.add(ok(3, NovaBenchFlavor.VTPCM, 30_000, 3000, 310));
        samples.add(failed(3, NovaBenchFlavor.PLAIN));
        samples.add(ok(4, NovaBenchFlavor.VTPCM, 14_000, 4000, Double.NaN));
        samples.add(ok(4, NovaBenchFlavor.PLAIN, 7000, 3000, 250));
        return samples;
    }

    @Test
    void theRatioIsTheMedianOverPairsWhereBothSucceeded() {
        NovaOverheadReport report = new NovaOverheadReport(run(null), fixture());
        Distribution ratio = report.paired(NovaOverheadReport::total, true);
        // pairs 1, 2, 4: 1.5, 1.5, 2.0 (pair 3's plain failed; the warm-up does not count)
        assertEquals(3, ratio.runs());
        assertEquals(1.5, ratio.median(), 1e-9);
        assertEquals(2.0, ratio.max(), 1e-9);
        Distribution delta = report.paired(NovaOverheadReport::total, false);
        assertEquals(5000, delta.median(), 1e-9);
        Distribution downtime = report.paired(NovaOverheadReport::downtime, false);
        assertEquals(2, downtime.runs(), "pair 4's vtpcm downtime was not observed");
        assertEquals(100, downtime.median(), 1e-9);
        // accepted to completed: 9000/5000, 12000/7000, 10000/4000 -> median 1.8
        assertEquals(1.8, report.paired(NovaOverheadReport::acceptedToCompleted, true).median(), 1e-9);
    }

    @Test
    void perFlavorFiguresLeaveOutTheWarmUpAndTheFailures() {
        NovaOverheadReport report = new NovaOverheadReport(run(null), fixture());
        Distribution vtpcm = report.distribution(NovaBenchFlavor.VTPCM, NovaOverheadReport::total);
        assertEquals(4, vtpcm.runs());
        assertEquals(14_500, vtpcm.median(), 1e-9);
        assertEquals(30_000, vtpcm.p95(), 1e-9);
        assertEquals(12_000, vtpcm.min(), 1e-9);
        Distribution plain = report.distribution(NovaBenchFlavor.PLAIN, NovaOverheadReport::total);
        assertEquals(3, plain.runs());
        assertEquals(8000, plain.median(), 1e-9);
        assertEquals(1, report.failures(NovaBenchFlavor.PLAIN).size());
        assertEquals(0, report.failures(NovaBenchFlavor.VTPCM).size());
        assertEquals(4, report.pairs());
        assertEquals(1000, new NovaMigrationSample(1, NovaBenchFlavor.PLAIN, "a", "b", null, 4000, 3000, 1, -1, -1, -1, "", "", "")
                .acceptedToCompletedMillis());
        assertEquals(-1, failed(1, NovaBenchFlavor.PLAIN).acceptedToCompletedMillis());
    }

    @Test
    void theJsonHasTheFieldsReadersUse() throws Exception {
        Path file = folder.resolve("nova-overhead.json");
        new NovaOverheadReport(run(null), fixture()).writeJson(file);
        JsonNode root = JSON.readTree(file.toFile());
        assertEquals("nova-overhead", root.path("benchmark").asText());
        assertEquals(4, root.path("pairs").asInt());
        assertEquals(1.5, root.path("total_ratio_vtpcm_vs_plain").asDouble(), 1e-9);
        assertEquals("2027-01-05T10:00:00Z", root.path("date").asText());
        assertEquals("abc1234", root.path("commit").asText());
        assertEquals(2, root.path("cores").asInt());
        assertEquals("bin/bench nova-overhead --pairs 4", root.path("command").asText());
        assertEquals(50, root.path("poll_interval_ms").asInt());
        for (String key : List.of("total", "cli", "downtime", "overhead_ratio", "failure", "statistics")) {
            assertFalse(root.path("definitions").path(key).asText().isBlank(), key);
        }
        assertTrue(root.path("definitions").path("total").asText().contains("50 ms"), "the poll interval is in the definition");
        for (String flavor : List.of("vtpcm", "plain")) {
            JsonNode total = root.path(flavor).path("total_ms");
            for (String field : List.of("median", "p95", "min", "max", "runs", "failures")) {
                assertTrue(total.has(field), flavor + ".total_ms." + field);
            }
            assertTrue(root.path(flavor).path("downtime_ms").has("median"), flavor);
        }
        assertEquals(8000, root.path("plain").path("total_ms").path("median").asDouble(), 1e-9);
        assertEquals(1, root.path("plain").path("total_ms").path("failures").asInt());
        assertEquals(1, root.path("plain").path("failure_reasons").size());
        assertEquals(1, root.path("plain").path("servers_replaced").asInt());
        assertTrue(root.path("vtpcm").has("engine_total_ms"));
        assertFalse(root.path("plain").has("engine_total_ms"));
        assertEquals(3, root.path("paired_comparisons").path("total_ratio_vtpcm_vs_plain").path("distribution").path("runs").asInt());
        assertEquals(fixture().size(), root.path("samples").size());
        JsonNode failedSample = root.path("samples").get(7);
        assertFalse(failedSample.path("ok").asBoolean());
        assertFalse(failedSample.has("total_ms"), "a failed migration has no figures");
        assertTrue(root.path("samples").get(8).path("downtime_ms").isNull(), "an unobserved downtime is null, not NaN");
        assertFalse(root.has("stopped_early"));
    }

    @Test
    void noPairWithBothSucceededGivesANullRatioAndTheTableSaysStoppedEarly() throws Exception {
        List<NovaMigrationSample> samples = List.of(ok(0, NovaBenchFlavor.VTPCM, 1, 1, 1), ok(0, NovaBenchFlavor.PLAIN, 1, 1, 1),
                failed(1, NovaBenchFlavor.VTPCM), ok(1, NovaBenchFlavor.PLAIN, 9000, 3000, 200));
        NovaOverheadReport report = new NovaOverheadReport(run("vtpcm failed 5 times in a row"), samples);
        JsonNode root = report.toJson(JSON);
        assertTrue(root.path("total_ratio_vtpcm_vs_plain").isNull());
        assertEquals(0, root.path("vtpcm").path("total_ms").path("runs").asInt());
        assertEquals("vtpcm failed 5 times in a row", root.path("stopped_early").asText());
        String table = NovaOverheadMarkdown.render(report);
        assertTrue(table.contains("**Stopped early:** vtpcm failed 5 times in a row"), table);
        assertTrue(table.contains("| vtpcm total / plain total | n/a |"), table);
        assertTrue(table.contains("- vtpcm, pair 1 vtpcm-n1 -> vtpcm-n2: Nova's migration ended 'error'"), table);
    }

    @Test
    void theTableShowsEachFlavorAndTheDefinitions() {
        String table = NovaOverheadMarkdown.render(new NovaOverheadReport(run(null), fixture()));
        assertTrue(table.contains("| vtpcm | 14500 | 30000 | 12000 | 30000 |"), table);
        assertTrue(table.contains("| plain | 8000 | 10000 | 7000 | 10000 |"), table);
        assertTrue(table.contains("| vtpcm total / plain total | 1.50 |"), table);
        assertTrue(table.contains("- **total**: wall clock from the start of the tenant's"), table);
        assertTrue(table.contains("- the plain server was replaced 1 time(s)."), table);
    }
}
