package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One compute node of the local lab: a network + mount + UTS namespace with its own libvirtd.
 *
 * @param number 1-based node number
 * @param name the node's hostname, e.g. {@code vtpcm-n1}
 * @param ip the node's address on the lab bridge
 * @param libvirtUri how to reach its libvirtd
 * @param holderPid the process that holds its namespaces (what nsenter targets)
 * @param directory the node's folder inside the lab folder
 */
public record LabNode(int number, String name, String ip, String libvirtUri, long holderPid, Path directory) {
    public LabNode {
        requireNonNull(name, "name is null");
        requireNonNull(ip, "ip is null");
        requireNonNull(libvirtUri, "libvirtUri is null");
        requireNonNull(directory, "directory is null");
        if (number < 1) {
            throw new IllegalArgumentException("node number must be >= 1, got " + number);
        }
    }

    /** The command line that runs {@code command} inside this node's namespaces. */
    public List<String> inNamespaces(String... command) {
        List<String> full = new ArrayList<>(List.of("nsenter", "-t", Long.toString(holderPid), "-n", "-m", "-u", "--"));
        full.addAll(List.of(command));
        return List.copyOf(full);
    }

    @Override
    public String toString() {
        return name + "(" + ip + ")";
    }
}
