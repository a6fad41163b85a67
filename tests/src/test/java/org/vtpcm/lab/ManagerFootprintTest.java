package org.vtpcm.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagerFootprintTest {
    private static final Path STATE = Path.of("/var/lib/vtpcm-lab/nodes/n1/manager");

    @TempDir
    Path folder;

    /** 4 vTPCMs of 6 MiB swtpm each; the manager grows by 4 MiB, the node interposer by 2 MiB; 2 idle pool members of 5 MiB. */
    private static FootprintSample idle() {
        return new FootprintSample(240 * 1024, OptionalLong.of(40 * 1024), List.of(), List.of(), List.of(5120L, 5120L));
    }

    private static FootprintSample loaded() {
        return new FootprintSample(244 * 1024, OptionalLong.of(42 * 1024), Collections.nCopies(4, 6 * 1024L), List.of(),
                List.of(5120L, 5120L));
    }

    @Test
    void aVtpcmCostsItsSwtpmAndItsSharesOfTheManagersAndTheInterposersGrowth() {
        ManagerFootprint f = ManagerFootprint.of(idle(), loaded());

        assertEquals(4, f.vtpcms());
        assertEquals(240, f.managerIdleRssMb());
        assertEquals(1, f.managerGrowthPerVtpcmMb());
        assertEquals(40, f.interposerIdleRssMb());
        assertEquals(42, f.interposerRssMbWithVtpcms());
        assertEquals(0.5, f.interposerGrowthPerVtpcmMb());
        assertEquals(6, f.swtpmRssMbMedian());
        assertEquals(10, f.poolSwtpmRssMb());
        assertEquals(2, f.poolSwtpmCount());
        // the pool is the node's fixed cost: not in the per-vTPCM figure
        assertEquals(6 + 1 + 0.5, f.perVtpcmRssMb());
        assertNull(f.perVmInterposerRssMbMedian());
    }

    @Test
    void anInterposerStartedWithTheVmsCountsWhole() {
        FootprintSample idle = new FootprintSample(240 * 1024, OptionalLong.empty(), List.of(), List.of(), List.of());

        ManagerFootprint f = ManagerFootprint.of(idle, loaded());

        assertNull(f.interposerIdleRssMb());
        assertEquals(10.5, f.interposerGrowthPerVtpcmMb());
        assertEquals(6 + 1 + 10.5, f.perVtpcmRssMb());
    }

    @Test
    void theOldArchitectureCountsEachVtpcmsOwnInterposer() {
        FootprintSample idle = new FootprintSample(240 * 1024, OptionalLong.empty(), List.of(), List.of(), List.of());
        FootprintSample loaded = new FootprintSample(244 * 1024, OptionalLong.empty(), Collections.nCopies(4, 6 * 1024L),
                Collections.nCopies(4, 64 * 1024L), List.of());

        ManagerFootprint f = ManagerFootprint.of(idle, loaded);
        List<String> notes = ManagerFootprintBench.notes(ManagerFootprintReport.Interposer.PER_VM, idle, loaded, STATE);

        assertNull(f.interposerRssMbWithVtpcms());
        assertNull(f.interposerGrowthPerVtpcmMb());
        assertEquals(64, f.perVmInterposerRssMbMedian());
        assertEquals(6 + 1 + 64, f.perVtpcmRssMb());
        assertEquals(0, f.poolSwtpmRssMb());
        assertEquals(2, notes.size());
        assertTrue(notes.get(0).contains(FootprintProcesses.NODE_INTERPOSER_MAIN), notes.get(0));
        assertTrue(notes.get(1).contains("dir=" + STATE + "/vtpcm/engines/pool-"), notes.get(1));
    }

    @Test
    void theJsonHasTheFieldsOthersRead() throws Exception {
        ManagerFootprintReport.Run run = new ManagerFootprintReport.Run("2026-12-01T10:00:00Z", "abc1234", 2,
                "bin/bench manager-footprint --vtpcms 4", 128, "-Xmx256m -XX:+UseSerialGC", "17.0.15", ManagerFootprintReport.Interposer.NODE,
                List.of());
        ManagerFootprintReport report = new ManagerFootprintReport(run, ManagerFootprint.of(idle(), loaded()));
        Path file = folder.resolve("manager-footprint.json");

        report.writeJson(file);
        JsonNode root = new ObjectMapper().readTree(file.toFile());

        assertEquals(4, root.path("vtpcms").asInt());
        assertEquals(240, root.path("manager_idle_rss_mb").asDouble());
        assertEquals(7.5, root.path("per_vtpcm_rss_mb").asDouble());
        assertEquals(40, root.path("interposer_idle_rss_mb").asDouble());
        assertEquals(42, root.path("interposer_rss_mb_with_vtpcms").asDouble());
        assertEquals(10, root.path("pool_swtpm_rss_mb").asDouble());
        assertEquals(6, root.path("swtpm_rss_mb_median").asDouble());
        assertEquals("-Xmx256m -XX:+UseSerialGC", root.path("manager_jvm_flags").asText());
        assertTrue(root.path("per_vm_interposer_rss_mb_median").isNull());
        assertTrue(report.markdown().contains("| **per-vTPCM cost** (`per_vtpcm_rss_mb`) | 7.5 |"), report.markdown());
    }
}
