package org.vtpcm.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FootprintProcessesTest {
    private static final String NODE_1 = "mnt:[4026532281]";
    private static final String NODE_2 = "mnt:[4026532390]";
    private static final Path STATE = Path.of("/var/lib/vtpcm-lab/nodes/n1/manager");

    private static ProcessEntry interposer(long pid, String namespace) {
        return new ProcessEntry(pid, List.of("/usr/lib/jvm/java-17/bin/java", "-Xmx48m", "-cp", "/a.jar:/b.jar",
                FootprintProcesses.NODE_INTERPOSER_MAIN, "--run-dir", "/run/vtpcm"), namespace);
    }

    private static ProcessEntry swtpm(long pid, String stateDirectory) {
        return new ProcessEntry(pid, List.of("swtpm", "socket", "--tpm2", "--tpmstate", "dir=" + stateDirectory, "--ctrl",
                "type=unixio,path=/run/vtpcm/x.ctrl,mode=0600", "--daemon"), NODE_1);
    }

    @Test
    void theNodeInterposerIsTheOneItsPidFileNames() {
        List<ProcessEntry> processes = List.of(interposer(10, NODE_1), interposer(20, NODE_2), swtpm(30, STATE + "/vtpcm/engines/pool-1"));

        assertEquals(10, FootprintProcesses.nodeInterposer(processes, OptionalLong.of(10), NODE_2).orElseThrow().pid());
    }

    @Test
    void withoutAPidFileItIsTheOnlyOneInTheManagersNamespace() {
        List<ProcessEntry> processes = List.of(interposer(10, NODE_1), interposer(20, NODE_2));

        assertEquals(20, FootprintProcesses.nodeInterposer(processes, OptionalLong.empty(), NODE_2).orElseThrow().pid());
        // a stale pid file naming some other process does not count
        assertEquals(20, FootprintProcesses.nodeInterposer(processes, OptionalLong.of(30), NODE_2).orElseThrow().pid());
    }

    @Test
    void theOldArchitectureHasNoNodeInterposer() {
        List<ProcessEntry> processes = List.of(new ProcessEntry(40, List.of("java", "-Xmx24m", "-cp", "/a.jar",
                "org.vtpcm.collector.swtpm.InterposerMain", "--listen", "/run/vtpcm/x.ctrl"), NODE_1));

        assertTrue(FootprintProcesses.nodeInterposer(processes, OptionalLong.empty(), NODE_1).isEmpty());
    }

    @Test
    void twoInterposersInOneNodeAreNotGuessedBetween() {
        List<ProcessEntry> processes = List.of(interposer(10, NODE_1), interposer(11, NODE_1));

        assertTrue(FootprintProcesses.nodeInterposer(processes, OptionalLong.empty(), NODE_1).isEmpty());
    }

    @Test
    void idlePoolMembersAreThePoolSwtpmsNoVtpcmRunsOn() {
        List<ProcessEntry> processes = List.of(swtpm(1, STATE + "/vtpcm/engines/pool-a"), swtpm(2, STATE + "/vtpcm/engines/pool-b"), swtpm(3, STATE + "/vtpcm/engines/pool-c"),
                swtpm(4, STATE + "/vtpcms/0b5e/tpm"), swtpm(5, "/var/lib/vtpcm-lab/nodes/n2/manager/vtpcm/engines/pool-a"), interposer(6, NODE_1));

        List<ProcessEntry> idle = FootprintProcesses.idlePoolMembers(processes, STATE, Set.of(2L, 4L));

        assertEquals(List.of(1L, 3L), idle.stream().map(ProcessEntry::pid).toList());
    }

    @Test
    void theJvmFlagsAreTheOptionsBeforeTheMainClassWithoutTheClassPath() {
        List<String> manager = List.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java", "-Xmx256m", "-XX:+UseSerialGC", "-cp",
                "/root/.m2/a.jar:/root/.m2/b.jar", "-Dvtpcm.x=1", "org.vtpcm.manager.ManagerMain", "run", "--config", "/x/manager.conf");

        assertEquals(List.of("-Xmx256m", "-XX:+UseSerialGC", "-Dvtpcm.x=1"), FootprintProcesses.jvmFlags(manager));
        assertEquals(List.of("-Xss512k"), FootprintProcesses.jvmFlags(List.of("java", "--class-path=/a.jar", "-Xss512k", "-jar", "x.jar")));
    }
}
