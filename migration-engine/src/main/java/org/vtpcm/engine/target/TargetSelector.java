package org.vtpcm.engine.target;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;
import org.vtpcm.engine.attestation.AttestationResult;
import org.vtpcm.engine.attestation.AttestationState;
import org.vtpcm.engine.attestation.HostAttester;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.engine.hosts.NodeClients;
import org.vtpcm.engine.journal.RejectedHost;
import org.vtpcm.nodeapi.HostCpu;
import org.vtpcm.nodeapi.ManagerClientException;
import org.vtpcm.nodeapi.NodeView;

/**
 * Checks every host but the source (reachable, vTPCM support, attestation, capacity, CPU) and lets
 * the strategy pick among those that pass; every other host gets its reason.
 */
public final class TargetSelector implements TargetChoice {
    private final NodeClients nodes;
    private final HostAttester attester;
    private final TargetStrategies strategies;
    private final String suite;
    private final ToIntFunction<String> activeMigrations;

    public TargetSelector(NodeClients nodes, HostAttester attester, TargetStrategies strategies, String suite,
            ToIntFunction<String> activeMigrations) {
        this.nodes = requireNonNull(nodes, "nodes is null");
        this.attester = requireNonNull(attester, "attester is null");
        this.strategies = requireNonNull(strategies, "strategies is null");
        this.suite = requireNonNull(suite, "suite is null");
        this.activeMigrations = requireNonNull(activeMigrations, "activeMigrations is null");
    }

    /** The chosen destination and the hosts not chosen with why. */
    public record Selection(HostConfig destination, List<RejectedHost> rejected) {
    }

    @Override
    public Selection select(String source, Optional<String> requestedHost, String strategyName) {
        TargetStrategy strategy = strategies.get(strategyName);
        if (requestedHost.isPresent() && nodes.host(requestedHost.get()).isEmpty()) {
            throw new NoTargetException("no host named '" + requestedHost.get() + "'", List.of(new RejectedHost(requestedHost.get(),
                    "unknown host")));
        }
        if (requestedHost.filter(source::equals).isPresent()) {
            throw new NoTargetException("the VM already runs on " + source, List.of(new RejectedHost(source, "is the source")));
        }
        NodeView sourceNode = nodes.node(source).node();
        List<HostConfig> others = nodes.hosts().stream().filter(host -> !host.name().equals(source)
                && (requestedHost.isEmpty() || requestedHost.get().equals(host.name()))).toList();
        // every host at once, each within the per-host timeout: a stalling node is rejected, it delays nobody
        Map<HostConfig, Checked> checks = nodes.fanOut().each(others, host -> checked(host, sourceNode),
                (host, problem) -> new Checked(Optional.of("not attested: " + problem), 0));
        List<Candidate> eligible = new ArrayList<>();
        List<RejectedHost> rejected = new ArrayList<>();
        checks.forEach((host, checked) -> checked.reason().ifPresentOrElse(reason -> rejected.add(new RejectedHost(host.name(), reason)),
                () -> eligible.add(new Candidate(host, checked.vtpcms(), activeMigrations.applyAsInt(host.name())))));
        List<Candidate> withCapacity = new ArrayList<>();
        for (Candidate candidate : eligible) {
            if (candidate.vtpcms() >= candidate.host().maxVtpcms()) {
                rejected.add(new RejectedHost(candidate.host().name(), "no capacity: " + candidate.vtpcms() + " vTPCMs (limit "
                        + candidate.host().maxVtpcms() + ")"));
            } else {
                withCapacity.add(candidate);
            }
        }
        Optional<Candidate> chosen = strategy.choose(requestedHost, withCapacity);
        if (chosen.isEmpty()) {
            StringBuilder message = new StringBuilder("no eligible destination for a VM on " + source);
            rejected.forEach(r -> message.append("; ").append(r.host()).append(": ").append(r.reason()));
            throw new NoTargetException(message.toString(), rejected);
        }
        withCapacity.stream().filter(candidate -> candidate != chosen.get())
                .forEach(candidate -> rejected.add(new RejectedHost(candidate.host().name(), "eligible, not chosen by " + strategy.name())));
        return new Selection(chosen.get().host(), rejected);
    }

    /** A host's check: why it cannot receive the VM (empty when it can) and its live vTPCMs. */
    private record Checked(Optional<String> reason, int vtpcms) {
    }

    private Checked checked(HostConfig host, NodeView sourceNode) {
        Optional<String> reason = check(host, sourceNode);
        return new Checked(reason, reason.isPresent() ? 0 : vtpcms(host));
    }

    /** Why the host cannot receive the VM, or empty when it can. */
    private Optional<String> check(HostConfig host, NodeView sourceNode) {
        NodeView node;
        try {
            node = nodes.node(host.name()).node();
        } catch (ManagerClientException e) {
            return Optional.of("not attested: manager unreachable (" + e.getMessage() + ")");
        }
        if (!suite.equals(node.suite()) || node.rootOfTrust() == null || node.rootOfTrust().isEmpty()) {
            return Optional.of("no vTPCM support: suite '" + node.suite() + "' (the cloud uses " + suite + ") or no root of trust");
        }
        AttestationResult last = attester.last(host.name());
        if (last.state() == AttestationState.UNKNOWN || last.state() == AttestationState.UNREACHABLE) {
            last = attester.attest(host.name());
        }
        if (!last.trusted()) {
            return Optional.of(last.summary());
        }
        return cpuMismatch(node.cpu(), sourceNode.cpu());
    }

    /** Why a host's CPU cannot take a VM from the source's, or empty when they match (an unknown CPU is all empty fields). */
    static Optional<String> cpuMismatch(HostCpu here, HostCpu source) {
        HostCpu cpu = here == null ? new HostCpu("", "", "") : here;
        HostCpu at = source == null ? new HostCpu("", "", "") : source;
        Map<String, List<String>> fields = new LinkedHashMap<>();
        fields.put("arch", List.of(text(cpu.arch()), text(at.arch())));
        fields.put("vendor", List.of(text(cpu.vendor()), text(at.vendor())));
        fields.put("model", List.of(text(cpu.model()), text(at.model())));
        for (Map.Entry<String, List<String>> field : fields.entrySet()) {
            if (!field.getValue().get(0).equals(field.getValue().get(1))) {
                return Optional.of("CPU incompatible: " + field.getKey() + " " + field.getValue().get(0) + " here, " + field.getValue().get(1)
                        + " at the source");
            }
        }
        return Optional.empty();
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    private int vtpcms(HostConfig host) {
        return nodes.node(host.name()).vtpcms().size(); // the manager lists live vTPCMs only
    }
}
