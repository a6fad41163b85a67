package org.vtpcm.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverheadFileTest {
    @TempDir
    Path folder;

    @Test
    void theSamplesReadBackAsTheyWereWritten() throws Exception {
        List<MigrationSample> samples = OverheadFixtures.run();
        Path json = folder.resolve("overhead.json");
        new OverheadReport(OverheadFixtures.info(), samples).writeJson(json);

        OverheadFile file = OverheadFile.read(json);

        assertEquals(samples, file.migrationSamples());
        assertEquals(5, file.pairs());
        assertEquals(128, file.memoryMib());
        assertEquals("abc1234", file.commit());
    }

    @Test
    void theFieldsOthersReadAreThere() throws Exception {
        Path json = folder.resolve("overhead.json");
        new OverheadReport(OverheadFixtures.info(), OverheadFixtures.run()).writeJson(json);

        JsonNode root = new ObjectMapper().readTree(json.toFile());

        // docs/BENCHMARKING.md, "Files we read"
        assertEquals(5, root.path("pairs").asInt());
        for (String variant : List.of("no_tpm", "plain_vtpm", "vtpcm", "vtpcm_resume_first")) {
            for (String measure : List.of("total_ms", "downtime_ms")) {
                assertTrue(root.path(variant).path(measure).path("median").isNumber(), variant + "." + measure + ".median");
                assertTrue(root.path(variant).path(measure).path("p95").isNumber(), variant + "." + measure + ".p95");
            }
        }
        for (String field : List.of("total_ratio_vtpcm_vs_no_tpm", "total_ratio_vtpcm_vs_plain_vtpm", "downtime_delta_ms_vtpcm_vs_no_tpm")) {
            assertTrue(root.path(field).isNumber(), field);
        }
        JsonNode timed = root.path("samples").get(2);
        assertEquals("vtpcm", timed.path("variant").asText());
        assertEquals(3.0, timed.path("timeline").path("accepted_ms").asDouble());
        assertEquals("REQUESTED", timed.path("timeline").path("phases").get(0).path("phase").asText());
        assertTrue(timed.path("timeline").path("phases").get(0).path("start_ms").isNumber());
        assertEquals("SUSPENDED", timed.path("timeline").path("events").get(1).path("kind").asText());
    }

    @Test
    void anOlderFileWithoutTimelinesReadsWithEmptyTimelines() throws Exception {
        Path json = folder.resolve("overhead.json");
        new OverheadReport(OverheadFixtures.info(), OverheadFixtures.run()).writeJson(json);
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = (ObjectNode) mapper.readTree(json.toFile());
        root.path("samples").forEach(sample -> ((ObjectNode) sample).remove("timeline"));
        root.remove("figures");
        mapper.writeValue(json.toFile(), root);

        List<MigrationSample> samples = OverheadFile.read(json).migrationSamples();

        assertTrue(samples.stream().allMatch(s -> s.timeline().equals(MigrationTimeline.NONE)));
        OverheadPlots.TimelinePick pick = OverheadPlots.timelineRows(samples);
        assertTrue(pick.rows().isEmpty());
        assertTrue(pick.note().contains("no per-run phase timeline"), pick.note());
    }

    @Test
    void theCheckedInFileStillReads() throws Exception {
        Path checkedIn = Path.of(System.getProperty("vtpcm.repo", ".."), "docs", "benchmarks", "overhead.json");
        if (!Files.exists(checkedIn)) {
            return;
        }
        assertTrue(OverheadFile.read(checkedIn).migrationSamples().size() > 0);
    }
}
