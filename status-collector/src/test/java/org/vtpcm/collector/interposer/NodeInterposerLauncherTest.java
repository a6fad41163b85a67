package org.vtpcm.collector.interposer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeInterposerLauncherTest {
    @Test
    void theCommandDetachesASmallJvm() {
        List<String> command = NodeInterposerLauncher.command(Path.of("/usr/lib/jvm/bin/java"), Runtime.Version.parse("17.0.15"), "/a.jar:/b.jar",
                Optional.of("vtpcm-manager-logback.xml"),
                Path.of("/run/vtpcm/interposer.sock"), Path.of("/run/vtpcm"), "sm", Path.of("/run/vtpcm/interposer.pid"));
        assertEquals(List.of("setsid", "/usr/lib/jvm/bin/java"), command.subList(0, 2));
        assertTrue(command.containsAll(List.of("-Xmx16m", "-Xss256k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
                "-XX:ReservedCodeCacheSize=16m")), command.toString());
        int main = command.indexOf(NodeInterposerLauncher.MAIN_CLASS);
        assertEquals(List.of("-cp", "/a.jar:/b.jar"), command.subList(main - 2, main));
        assertEquals(List.of("--socket", "/run/vtpcm/interposer.sock", "--run-dir", "/run/vtpcm", "--suite", "sm", "--pid-file",
                "/run/vtpcm/interposer.pid"), command.subList(main + 1, command.size()));
        assertTrue(command.contains(NodeInterposerLauncher.TRIM_NATIVE_HEAP));
        assertTrue(command.indexOf("-Dlogback.configurationFile=vtpcm-manager-logback.xml") < main - 2, "the launcher's logging config");
        List<String> old = NodeInterposerLauncher.command(Path.of("java"), Runtime.Version.parse("17.0.8"), "cp", Optional.empty(), Path.of("/s"),
                Path.of("/r"),
                "nist", null);
        assertEquals(old.indexOf(NodeInterposerLauncher.MAIN_CLASS) + 7, old.size(), "no pid file option without a pid file");
        assertTrue(!old.contains(NodeInterposerLauncher.TRIM_NATIVE_HEAP), "an older JVM would refuse the flag");
    }

    @Test
    void nativeHeapTrimmingOnlyWhereTheFlagExists() {
        assertTrue(NodeInterposerLauncher.trimsNativeHeap(Runtime.Version.parse("17.0.9")));
        assertTrue(!NodeInterposerLauncher.trimsNativeHeap(Runtime.Version.parse("17.0.2")));
        assertTrue(!NodeInterposerLauncher.trimsNativeHeap(Runtime.Version.parse("20.0.1")));
        assertTrue(!NodeInterposerLauncher.trimsNativeHeap(Runtime.Version.parse("21")));
        assertTrue(NodeInterposerLauncher.trimsNativeHeap(Runtime.Version.parse("21.0.1")));
        assertTrue(NodeInterposerLauncher.trimsNativeHeap(Runtime.Version.parse("25")));
    }
}
