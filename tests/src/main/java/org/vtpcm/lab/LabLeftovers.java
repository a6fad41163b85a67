package org.vtpcm.lab;

import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.nodeapi.ManagerClient;

/**
 * Removes what a lab test left behind, wherever it is, so that a failed attempt never spoils the
 * rerun or the next test class: the domain on every node (libvirt directly, since a manager may hold
 * the vTPCM mid-migration), then the vTPCM through each manager that still knows it.
 */
public final class LabLeftovers {
    private static final Logger LOG = LoggerFactory.getLogger(LabLeftovers.class);

    private LabLeftovers() {
    }

    /** A lab name that a rerun never meets again: the base name and a short random suffix. */
    public static String uniqueName(String baseName) {
        return baseName + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    public static void remove(LabConfig lab, LabHosts hosts, String name, UUID vm, List<ManagerClient> managers) {
        for (LabNode node : lab.nodes()) {
            try {
                hosts.host(node).destroy(name);
                hosts.host(node).undefine(name);
            } catch (RuntimeException e) {
                LOG.warn("leftover {} on {}: {}", name, node.name(), e.getMessage());
            }
        }
        for (ManagerClient manager : managers) {
            try {
                manager.destroyVm(vm);
            } catch (RuntimeException e) {
                // this manager does not know the VM (any more)
            }
        }
    }
}
