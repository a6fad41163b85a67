package org.vtpcm.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverheadPlotsTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path folder;

    @Test
    void theTimelineIsTheMedianVtpcmRunOverTheMedianNoTpmRun() {
        OverheadPlots.TimelinePick pick = OverheadPlots.timelineRows(OverheadFixtures.run());

        assertNull(pick.note());
        assertEquals(2, pick.rows().size());
        // counted vtpcm rounds 1, 3, 4, 5 (round 2 failed): the lower middle total is round 3's
        assertTrue(pick.rows().get(0).label().startsWith("vtpcm, round 3 "), pick.rows().get(0).label());
        assertEquals(OverheadFixtures.PHASES.size(), pick.rows().get(0).segments().size());
        assertTrue(pick.rows().get(1).label().startsWith("no_tpm, round 3 "), pick.rows().get(1).label());
        assertEquals(List.of(TimelineRow.SUSPENDED, TimelineRow.RESUMED), pick.rows().get(1).marks().stream().map(TimelineRow.Mark::name)
                .toList());
    }

    @Test
    void bothFiguresAreWrittenAsPngsOfTheirSize() throws Exception {
        Path json = folder.resolve("overhead.json");
        new OverheadReport(OverheadFixtures.info(), OverheadFixtures.run()).writeJson(json);
        Path out = folder.resolve("figures");

        List<String> lines = OverheadPlots.write(json, out);

        assertEquals(2, lines.size(), lines.toString());
        assertPng(out.resolve(OverheadPlots.TIMELINE_PNG), OverheadPlots.WIDTH, OverheadPlots.TIMELINE_HEIGHT);
        assertPng(out.resolve(OverheadPlots.TOTALS_PNG), OverheadPlots.WIDTH, OverheadPlots.TOTALS_HEIGHT);
    }

    @Test
    void withoutTimelinesOnlyTheTotalsAreDrawnAndAnOldTimelineGoes() throws Exception {
        List<MigrationSample> untimed = OverheadFixtures.run().stream().map(s -> s.ok() ? new MigrationSample(s.round(), s.variant(),
                s.from(), s.to(), null, s.totalMillis(), s.downtimeMillis(), s.sourceStopMillis(), s.qemuDowntimeMillis(),
                s.engineDowntimeMillis(), s.verificationPauseMillis(), s.phaseMillis(), s.events(), s.guestSteps(), s.tpmCheckFailures(),
                MigrationTimeline.NONE) : s).toList();
        Path json = folder.resolve("overhead.json");
        new OverheadReport(OverheadFixtures.info(), untimed).writeJson(json);
        Files.writeString(folder.resolve(OverheadPlots.TIMELINE_PNG), "from an earlier run");

        List<String> lines = OverheadPlots.write(json, folder);

        assertTrue(lines.get(0).startsWith("timeline skipped: "), lines.get(0));
        assertFalse(Files.exists(folder.resolve(OverheadPlots.TIMELINE_PNG)));
        assertPng(folder.resolve(OverheadPlots.TOTALS_PNG), OverheadPlots.WIDTH, OverheadPlots.TOTALS_HEIGHT);
    }

    private static void assertPng(Path file, int width, int height) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(in.readNBytes(8), 8), file + " is not a PNG");
        }
        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(width, image.getWidth());
        assertEquals(height, image.getHeight());
    }
}
