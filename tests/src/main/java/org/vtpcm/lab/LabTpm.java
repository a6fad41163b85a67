package org.vtpcm.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** How the lab gives a guest its TPM engine on a node (plain swtpm, or swtpm behind an interposer). */
public interface LabTpm {
    /** The socket QEMU connects to, as named in the domain XML. */
    Path controlSocket(String domainName);

    /** Starts an engine with empty state for the guest on the node. */
    void startFresh(LabNode node, String domainName);

    /** The engine's pid on the node, if it runs. */
    Optional<Long> runningPid(LabNode node, String domainName);

    /** Waits for the engine on the node to exit (it does when QEMU leaves). */
    boolean awaitExit(LabNode node, String domainName, Duration timeout);

    /** Stops the engine on the node, if any. */
    void kill(LabNode node, String domainName);
}
