package org.vtpcm.engine.hosts;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.manager.client.ManagerClientException;

/** The association list across nodes: every node's live vTPCMs, and where a VM's vTPCM is. */
public final class VtpcmLocator {
    private final NodeClients nodes;

    public VtpcmLocator(NodeClients nodes) {
        this.nodes = requireNonNull(nodes, "nodes is null");
    }

    /** Every live vTPCM of every reachable node (each row with its host), and the nodes that did not answer. */
    public record Listing(List<JsonNode> vtpcms, List<String> unreachable) {
    }

    /** Asks every node at once, each within the per-host timeout: a stalling node is listed as unreachable. */
    public Listing all() {
        Map<HostConfig, Optional<JsonNode>> answers = nodes.fanOut().each(nodes.hosts(), host -> {
            try {
                return Optional.of(nodes.client(host.name()).vtpcms());
            } catch (ManagerClientException e) {
                return Optional.<JsonNode>empty();
            }
        }, (host, problem) -> Optional.empty());
        List<JsonNode> rows = new ArrayList<>();
        List<String> unreachable = new ArrayList<>();
        answers.forEach((host, answer) -> {
            if (answer.isEmpty()) {
                unreachable.add(host.name());
                return;
            }
            for (JsonNode row : answer.get()) {
                ((ObjectNode) row).put("host", host.name());
                rows.add(row);
            }
        });
        return new Listing(rows, unreachable);
    }

    /**
     * The live vTPCM of a VM named by UUID or domain name. When a VM has rows on two nodes (during a
     * migration), the RUNNING one wins.
     */
    public Optional<JsonNode> find(String vm) {
        requireNonNull(vm, "vm is null");
        JsonNode best = null;
        for (JsonNode row : all().vtpcms()) {
            if (vm.equalsIgnoreCase(row.path("vmUuid").asText()) || vm.equals(row.path("vmName").asText())) {
                if (best == null || "RUNNING".equals(row.path("state").asText())) {
                    best = row;
                }
            }
        }
        return Optional.ofNullable(best);
    }
}
