package org.vtpcm.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The host's processes from /proc (the lab's nodes share the host's pid namespace). */
final class ProcessTable {
    private static final Path PROC = Path.of("/proc");

    private ProcessTable() {
    }

    /** One process, or empty when it is gone (or a kernel thread, which has no command line). */
    static Optional<ProcessEntry> read(long pid) {
        Path directory = PROC.resolve(Long.toString(pid));
        try {
            byte[] raw = Files.readAllBytes(directory.resolve("cmdline"));
            if (raw.length == 0) {
                return Optional.empty();
            }
            List<String> arguments = Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0"));
            return Optional.of(new ProcessEntry(pid, arguments, mountNamespace(directory)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Unreadable without root for others' processes: then "?", which matches no node. */
    private static String mountNamespace(Path directory) {
        try {
            return Files.readSymbolicLink(directory.resolve("ns").resolve("mnt")).toString();
        } catch (IOException e) {
            return "?";
        }
    }

    /** Every process that shows a command line now; processes ending meanwhile are left out. */
    static List<ProcessEntry> all() {
        List<ProcessEntry> processes = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, path -> path.getFileName().toString().matches("\\d+"))) {
            for (Path entry : entries) {
                read(Long.parseLong(entry.getFileName().toString())).ifPresent(processes::add);
            }
        } catch (IOException e) {
            throw new LabNotReadyException("cannot list " + PROC + ": " + e.getMessage());
        }
        return processes;
    }

    /**
     * A file as a process sees it: /proc/PID/root gives that process's view of the file system,
     * its mount namespace included (a lab node's private /run).
     */
    static Optional<String> readAs(long pid, Path file) {
        try {
            return Optional.of(Files.readString(PROC.resolve(Long.toString(pid)).resolve("root").resolve(PROC.getRoot().relativize(file))));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
