package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One process as /proc shows it.
 *
 * @param pid its id
 * @param arguments its command line, one argument each
 * @param mountNamespace the target of /proc/PID/ns/mnt ("mnt:[4026532281]"); a lab node's processes share one
 */
record ProcessEntry(long pid, List<String> arguments, String mountNamespace) {
    ProcessEntry {
        arguments = List.copyOf(arguments);
        requireNonNull(mountNamespace, "mountNamespace is null");
    }

    /** The arguments joined by spaces, as ps shows them. */
    String commandLine() {
        return String.join(" ", arguments);
    }
}
