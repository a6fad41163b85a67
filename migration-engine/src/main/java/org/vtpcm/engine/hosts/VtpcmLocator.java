package org.vtpcm.engine.hosts;

import com.google.inject.Inject;
import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.nodeapi.AssociationView;
import org.vtpcm.nodeapi.ManagerClientException;

/** The association list across nodes: every node's live vTPCMs, and where a VM's vTPCM is. */
public final class VtpcmLocator {
    private final NodeClients nodes;

    @Inject
    public VtpcmLocator(NodeClients nodes) {
        this.nodes = requireNonNull(nodes, "nodes is null");
    }

    /** Every live vTPCM of every reachable node (each row named by its host's configured name), and the nodes that did not answer. */
    public record Listing(List<AssociationView> vtpcms, List<String> unreachable) {
    }

    /** Asks every node at once, each within the per-host timeout: a stalling node is listed as unreachable. */
    public Listing all() {
        Map<HostConfig, Optional<List<AssociationView>>> answers = nodes.fanOut().each(nodes.hosts(), host -> {
            try {
                return Optional.of(nodes.node(host.name()).vtpcms());
            } catch (ManagerClientException e) {
                return Optional.<List<AssociationView>>empty();
            }
        }, (host, problem) -> Optional.empty());
        List<AssociationView> rows = new ArrayList<>();
        List<String> unreachable = new ArrayList<>();
        answers.forEach((host, answer) -> {
            if (answer.isEmpty()) {
                unreachable.add(host.name());
                return;
            }
            answer.get().forEach(row -> rows.add(row.onHost(host.name())));
        });
        return new Listing(rows, unreachable);
    }

    /**
     * The live vTPCM of a VM named by UUID or domain name. When a VM has rows on two nodes (during a
     * migration), the RUNNING one wins.
     */
    public Optional<AssociationView> find(String vm) {
        return best(all().vtpcms(), vm);
    }

    /** The row of the VM among {@code rows}: a RUNNING one over any other. */
    static Optional<AssociationView> best(List<AssociationView> rows, String vm) {
        requireNonNull(vm, "vm is null");
        AssociationView best = null;
        for (AssociationView row : rows) {
            if (vm.equalsIgnoreCase(String.valueOf(row.vmUuid())) || vm.equals(row.vmName())) {
                if (best == null || row.running()) {
                    best = row;
                }
            }
        }
        return Optional.ofNullable(best);
    }
}
