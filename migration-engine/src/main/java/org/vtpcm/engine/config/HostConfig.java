package org.vtpcm.engine.config;

import static java.util.Objects.requireNonNull;

import java.net.URI;

/**
 * One compute node the engine may migrate between.
 *
 * @param name the node's name (its manager's certificate CN)
 * @param manager the manager's API, https://ADDRESS:PORT
 * @param libvirt the node's libvirtd as other nodes reach it (peer-to-peer migration target)
 * @param maxMigrations migrations at once that may involve this node
 * @param maxVtpcms vTPCMs this node may hold (capacity)
 */
public record HostConfig(String name, URI manager, String libvirt, int maxMigrations, int maxVtpcms) {
    public HostConfig {
        requireNonNull(name, "name is null");
        requireNonNull(manager, "manager is null");
        requireNonNull(libvirt, "libvirt is null");
    }
}
