package org.vtpcm.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessTableTest {
    private static final long SELF = ProcessHandle.current().pid();

    @TempDir
    Path folder;

    @Test
    void itReadsThisJvmsCommandLine() {
        ProcessEntry self = ProcessTable.read(SELF).orElseThrow();

        assertTrue(Path.of(self.arguments().get(0)).getFileName().toString().startsWith("java"), self.commandLine());
        assertTrue(ProcessTable.all().stream().anyMatch(p -> p.pid() == SELF));
    }

    @Test
    void itReadsAFileAsAProcessSeesIt() throws Exception {
        Path file = Files.writeString(folder.resolve("interposer.pid"), "4242\n");

        assertEquals("4242\n", ProcessTable.readAs(SELF, file.toAbsolutePath()).orElseThrow());
        assertTrue(ProcessTable.readAs(SELF, folder.resolve("absent.pid").toAbsolutePath()).isEmpty());
    }
}
