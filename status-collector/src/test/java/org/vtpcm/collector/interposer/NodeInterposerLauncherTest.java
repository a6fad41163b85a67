package org.vtpcm.collector.interposer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeInterposerLauncherTest {
    @Test
    void theCommandDetachesASmallJvm() {
        List<String> command = NodeInterposerLauncher.command(Path.of("/usr/lib/jvm/bin/java"), "/a.jar:/b.jar",
                Path.of("/run/vtpcm/interposer.sock"), Path.of("/run/vtpcm"), "sm", Path.of("/run/vtpcm/interposer.pid"));
        assertEquals(List.of("setsid", "/usr/lib/jvm/bin/java"), command.subList(0, 2));
        assertTrue(command.containsAll(List.of("-Xmx16m", "-Xss256k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
                "-XX:ReservedCodeCacheSize=16m")), command.toString());
        int main = command.indexOf(NodeInterposerLauncher.MAIN_CLASS);
        assertEquals(List.of("-cp", "/a.jar:/b.jar"), command.subList(main - 2, main));
        assertEquals(List.of("--socket", "/run/vtpcm/interposer.sock", "--run-dir", "/run/vtpcm", "--suite", "sm", "--pid-file",
                "/run/vtpcm/interposer.pid"), command.subList(main + 1, command.size()));
        assertEquals(main + 7, NodeInterposerLauncher.command(Path.of("java"), "cp", Path.of("/s"), Path.of("/r"), "nist", null).size());
    }
}
