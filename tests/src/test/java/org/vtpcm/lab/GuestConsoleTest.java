package org.vtpcm.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestConsoleTest {
    @TempDir
    Path folder;

    @Test
    void aMissingFileHasNoLines() {
        assertEquals(0, new GuestConsole(folder.resolve("none.log")).lines().size());
    }

    @Test
    void aLineCutByASwitchoverIsReadOnlyWhenComplete() throws Exception {
        Path file = folder.resolve("g.log");
        Files.writeString(file, "boot noise\r\ntpmcheck seq=1 pcr16=aa nv=2 ok\r\ntpmcheck seq=2 pcr");
        GuestConsole console = new GuestConsole(file);
        assertEquals(1, console.steps().size());
        Files.writeString(file, "16=bb nv=3 ok\n", java.nio.file.StandardOpenOption.APPEND);
        assertEquals(2, console.steps().size());
        assertEquals(2, console.lastSeq());
    }

    @Test
    void waitingForProgressTimesOutWithAClearMessage() throws Exception {
        Path file = folder.resolve("g.log");
        Files.writeString(file, "tpmcheck seq=1 pcr16=aa nv=2 ok\n");
        GuestConsole console = new GuestConsole(file);
        assertEquals(1, console.awaitStepAfter(0, Duration.ofSeconds(1)));
        LabNotReadyException e = assertThrows(LabNotReadyException.class, () -> console.awaitStepAfter(1, Duration.ofMillis(200)));
        assertEquals(true, e.getMessage().contains("no TPM check step after seq=1"));
    }
}
