package org.vtpcm.collector.interposer;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A stand-in for the node manager, as a process of its own: ensures the node interposer runs, prints
 * its pid, then waits to be killed. Lets a test kill "the manager" and see the interposer survive.
 */
public final class LauncherProbe {
    private LauncherProbe() {
    }

    public static void main(String[] args) throws Exception {
        long pid = NodeInterposerLauncher.ensureRunning(Path.of(args[0]), Path.of(args[1]), "sm", Path.of(args[2]), Path.of(args[3]),
                Duration.ofSeconds(20));
        System.out.println("interposer " + pid);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
