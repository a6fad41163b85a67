package org.vtpcm.engine.config;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.vtpcm.nodeapi.NodePcrs;

/**
 * One compute node the engine may migrate between.
 *
 * @param name the node's name (its manager's certificate CN)
 * @param manager the manager's API, https://ADDRESS:PORT
 * @param libvirt the node's libvirtd as other nodes reach it (peer-to-peer migration target)
 * @param maxMigrations migrations at once that may involve this node
 * @param maxVtpcms vTPCMs this node may hold (capacity)
 * @param hostClass the node's class (attestation policy and reference values may be scoped to it)
 * @param requiredPcrs the PCRs every quote of this node must cover, each with a measurement
 */
public record HostConfig(String name, URI manager, String libvirt, int maxMigrations, int maxVtpcms, String hostClass,
        SortedSet<Integer> requiredPcrs) {
    /** The class of a host that names none. */
    public static final String DEFAULT_CLASS = "compute";
    /**
     * What the manager measures at start (its NodeAttestation): its code in PCR 11, its config in
     * PCR 12, the qemu, libvirtd and swtpm binaries in PCR 13.
     */
    public static final SortedSet<Integer> DEFAULT_REQUIRED_PCRS = Collections.unmodifiableSortedSet(new TreeSet<>(Set.of(
            NodePcrs.CODE, NodePcrs.CONFIG, NodePcrs.BINARIES)));

    public HostConfig {
        requireNonNull(name, "name is null");
        requireNonNull(manager, "manager is null");
        requireNonNull(libvirt, "libvirt is null");
        requireNonNull(hostClass, "hostClass is null");
        requiredPcrs = Collections.unmodifiableSortedSet(new TreeSet<>(requireNonNull(requiredPcrs, "requiredPcrs is null")));
        if (requiredPcrs.isEmpty()) {
            throw new IllegalArgumentException("a host must require at least one PCR");
        }
    }

    /** A host of the default class with the default required PCRs. */
    public HostConfig(String name, URI manager, String libvirt, int maxMigrations, int maxVtpcms) {
        this(name, manager, libvirt, maxMigrations, maxVtpcms, DEFAULT_CLASS, DEFAULT_REQUIRED_PCRS);
    }
}
