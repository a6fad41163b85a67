package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vtpcm.manager.libvirt.LibvirtConnector;
import org.vtpcm.manager.libvirt.LibvirtHost;

/** One libvirt connection per lab node; closing this closes them all. */
public final class LabHosts implements AutoCloseable {
    private final Map<Integer, LibvirtHost> hosts = new LinkedHashMap<>();

    public LabHosts(LabConfig lab, LibvirtConnector connector) {
        requireNonNull(lab, "lab is null");
        requireNonNull(connector, "connector is null");
        try {
            for (LabNode node : lab.nodes()) {
                hosts.put(node.number(), connector.connect(node.libvirtUri()));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public LibvirtHost host(LabNode node) {
        LibvirtHost host = hosts.get(node.number());
        if (host == null) {
            throw new LabNotReadyException("no connection to " + node);
        }
        return host;
    }

    public List<LibvirtHost> all() {
        return List.copyOf(hosts.values());
    }

    @Override
    public void close() {
        for (LibvirtHost host : hosts.values()) {
            host.close();
        }
        hosts.clear();
    }
}
