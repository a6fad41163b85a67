package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** Which of a node's processes belong to vtpcm, told apart by their command lines. */
final class FootprintProcesses {
    /** The main class of the one interposer service per node. */
    static final String NODE_INTERPOSER_MAIN = "org.vtpcm.collector.interposer.NodeInterposerMain";
    /** The java launcher's options that take the next argument as their value. */
    private static final Set<String> OPTIONS_WITH_VALUE = Set.of("-cp", "-classpath", "--class-path", "-p", "--module-path",
            "--add-modules", "--add-opens", "--add-exports");

    private FootprintProcesses() {
    }

    /**
     * The node's interposer service: the process named by its pid file when that process runs
     * {@link #NODE_INTERPOSER_MAIN}, else the only such process in the manager's mount namespace;
     * empty when there is none (the per-VM interposers of the old architecture) or no single one.
     */
    static Optional<ProcessEntry> nodeInterposer(List<ProcessEntry> processes, OptionalLong pidFromFile, String managerNamespace) {
        requireNonNull(managerNamespace, "managerNamespace is null");
        List<ProcessEntry> interposers = processes.stream().filter(p -> p.arguments().contains(NODE_INTERPOSER_MAIN)).toList();
        if (pidFromFile.isPresent()) {
            Optional<ProcessEntry> named = interposers.stream().filter(p -> p.pid() == pidFromFile.getAsLong()).findFirst();
            if (named.isPresent()) {
                return named;
            }
        }
        List<ProcessEntry> onNode = interposers.stream().filter(p -> p.mountNamespace().equals(managerNamespace)).toList();
        return onNode.size() == 1 ? Optional.of(onNode.get(0)) : Optional.empty();
    }

    /**
     * The manager's pool of ready swtpm processes not given to a VM: command lines with
     * {@code --tpmstate dir=<state dir>/vtpcm/engines/pool-}, less the swtpms the vTPCMs run on.
     */
    static List<ProcessEntry> idlePoolMembers(List<ProcessEntry> processes, Path stateDirectory, Set<Long> vtpcmSwtpmPids) {
        String marker = "--tpmstate dir=" + stateDirectory.toAbsolutePath().normalize() + "/vtpcm/engines/pool-";
        return processes.stream().filter(p -> p.commandLine().contains(marker) && !vtpcmSwtpmPids.contains(p.pid())).toList();
    }

    /** A java command line's options before its main class, without the class path (e.g. "-Xmx256m -XX:+UseSerialGC"). */
    static List<String> jvmFlags(List<String> arguments) {
        List<String> flags = new ArrayList<>();
        for (int i = 1; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            if (OPTIONS_WITH_VALUE.contains(argument)) {
                i++;
            } else if (argument.startsWith("-") && !argument.equals("-jar") && !argument.equals("-m") && !argument.equals("--module")) {
                if (!argument.startsWith("--class-path=") && !argument.startsWith("--module-path=")) {
                    flags.add(argument);
                }
            } else {
                break;
            }
        }
        return flags;
    }
}
