package org.vtpcm.attestation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlatformMeasurerTest {
    @TempDir
    Path temp;

    private EmulatedPlatformTpm tpm;
    private PlatformMeasurer measurer;

    @BeforeEach
    void start() {
        tpm = TestTpms.start(temp);
        measurer = new PlatformMeasurer(tpm);
    }

    @AfterEach
    void stop() {
        tpm.close();
    }

    @Test
    void measuresFilesAndBytesIntoTheTpmAndTheLog() throws Exception {
        byte[] content = new byte[300_000]; // larger than one read buffer
        new Random(1).nextBytes(content);
        Path file = Files.write(temp.resolve("image.bin"), content);

        PlatformEvent fileEvent = measurer.measureFile(11, file);
        PlatformEvent bytesEvent = measurer.measureBytes(11, "config", "x=1".getBytes());

        assertEquals("file:" + file.toAbsolutePath(), fileEvent.description());
        assertArrayEquals(TestTpms.sha256(content), fileEvent.sha256Digest());
        assertArrayEquals(TestTpms.sha256("x=1".getBytes()), bytesEvent.sha256Digest());
        assertEquals(List.of(fileEvent, bytesEvent), measurer.eventLog());

        byte[] expected = TestTpms.sha256(TestTpms.sha256(new byte[32], fileEvent.sha256Digest()),
                bytesEvent.sha256Digest());
        assertArrayEquals(expected, tpm.readPcrs(11).get(11));
    }

    @Test
    void eventLogIsASnapshot() {
        measurer.measureBytes(12, "a", new byte[] {1});
        List<PlatformEvent> snapshot = measurer.eventLog();
        measurer.measureBytes(12, "b", new byte[] {2});
        assertEquals(1, snapshot.size());
        assertEquals(2, measurer.eventLog().size());
        assertThrows(UnsupportedOperationException.class, () -> snapshot.add(snapshot.get(0)));
    }

    @Test
    void refusesPcrsThatDoNotStartAtZero() {
        assertThrows(IllegalArgumentException.class, () -> measurer.measureBytes(17, "x", new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> measurer.measureBytes(24, "x", new byte[1]));
        assertEquals(List.of(), measurer.eventLog());
    }

    @Test
    void missingFileLeavesTpmAndLogUntouched() {
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> measurer.measureFile(13, temp.resolve("missing")));
        assertTrue(e.getMessage().contains("missing"));
        assertEquals(List.of(), measurer.eventLog());
        assertArrayEquals(new byte[32], tpm.readPcrs(13).get(13));
    }
}
