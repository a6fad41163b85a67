package org.vtpcm.engine.nova;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.vtpcm.engine.journal.RejectedHost;
import org.vtpcm.engine.target.NoTargetException;
import org.vtpcm.nova.Hypervisor;

/**
 * Nova mode's destination when the operator names none: among Nova's hypervisors, one the engine
 * knows, that Nova reports up and enabled and the engine last found trusted; the fewest running
 * VMs wins (then the name). Every other host gets its reason.
 */
final class NovaTargetChoice {
    private NovaTargetChoice() {
    }

    /** What the engine last knew of a host's attestation: empty if trusted, else why not. */
    static String choose(List<Hypervisor> hypervisors, String source, Set<String> known, Function<String, String> untrustedReason,
            List<RejectedHost> rejected) {
        List<Hypervisor> eligible = new ArrayList<>();
        for (Hypervisor hypervisor : hypervisors) {
            String host = hypervisor.host();
            if (host.equals(source)) {
                continue;
            }
            String untrusted = known.contains(host) ? untrustedReason.apply(host) : "";
            if (!known.contains(host)) {
                rejected.add(new RejectedHost(host, "not a vtpcm host of this engine"));
            } else if (!hypervisor.usable()) {
                rejected.add(new RejectedHost(host, "Nova reports it " + (hypervisor.up() ? "disabled" : "down")));
            } else if (!untrusted.isEmpty()) {
                rejected.add(new RejectedHost(host, untrusted));
            } else {
                eligible.add(hypervisor);
            }
        }
        return eligible.stream().min(Comparator.comparingInt(Hypervisor::runningVms).thenComparing(Hypervisor::host)).map(Hypervisor::host)
                .orElseThrow(() -> new NoTargetException("no Nova hypervisor is a usable, trusted destination for a VM on " + source,
                        List.copyOf(rejected)));
    }
}
