package org.vtpcm.collector.interposer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListenPolicyTest {
    @TempDir
    Path folder;

    @Test
    void onlyPathsInsideTheRunDirAreServed() throws Exception {
        Path runDir = Files.createDirectories(folder.resolve("run"));
        Files.createDirectories(runDir.resolve("vm1"));
        ListenPolicy policy = new ListenPolicy(runDir, runDir.resolve("admin.sock"));
        Path real = runDir.toRealPath();
        assertEquals(real.resolve("a.ctrl"), policy.listen(real.resolve("a.ctrl").toString()));
        assertEquals(real.resolve("vm1/a.ctrl"), policy.listen(real.resolve("vm1/a.ctrl").toString()));
        assertRefused(policy, real.toString(), "outside the run dir");
        assertRefused(policy, folder.toRealPath().resolve("runaway.ctrl").toString(), "outside the run dir");
        assertRefused(policy, real + "-twin/a.ctrl", "outside the run dir");
        assertRefused(policy, "a.ctrl", "absolute and normalized");
        assertRefused(policy, "", "absolute and normalized");
        assertRefused(policy, "/run/\0x", "not a path");
    }

    @Test
    void enginesAreAbsolutePaths() {
        assertEquals(Path.of("/var/lib/vtpcm/a/swtpm.ctrl"), ListenPolicy.engine("/var/lib/vtpcm/a/swtpm.ctrl"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ListenPolicy.engine("swtpm.ctrl")).getMessage()
                .startsWith("engine path must be absolute"));
    }

    private static void assertRefused(ListenPolicy policy, String listen, String why) {
        String message = assertThrows(IllegalArgumentException.class, () -> policy.listen(listen)).getMessage();
        assertTrue(message.contains(why), message);
    }
}
