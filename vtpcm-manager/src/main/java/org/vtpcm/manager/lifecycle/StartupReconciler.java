package org.vtpcm.manager.lifecycle;

import org.vtpcm.nodeapi.ReconcileReport;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.manager.association.Association;
import org.vtpcm.manager.association.AssociationStore;
import org.vtpcm.manager.association.VtpcmState;
import org.vtpcm.manager.engine.TpmEngines;
import org.vtpcm.nodeapi.DomainState;
import org.vtpcm.manager.libvirt.DomainSummary;
import org.vtpcm.manager.libvirt.LibvirtHost;

/**
 * At start-up, compares the association list with libvirt's domains and the running TPM engines.
 * Adopts what agrees, records the VM stops that happened while the manager was down, and flags
 * everything else for an operator. It never deletes a vTPCM or its state.
 */
public final class StartupReconciler {
    private static final Logger LOG = LoggerFactory.getLogger(StartupReconciler.class);

    private final AssociationStore associations;
    private final TpmEngines engines;
    private final LibvirtHost libvirt;
    private final Clock clock;

    @Inject
    public StartupReconciler(AssociationStore associations, TpmEngines engines, LibvirtHost libvirt, Clock clock) {
        this.associations = requireNonNull(associations, "associations is null");
        this.engines = requireNonNull(engines, "engines is null");
        this.libvirt = requireNonNull(libvirt, "libvirt is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public ReconcileReport reconcile() {
        List<String> adopted = new ArrayList<>();
        List<String> repaired = new ArrayList<>();
        List<String> flagged = new ArrayList<>();
        Map<UUID, DomainSummary> domains = libvirt.domains().stream()
                .collect(Collectors.toMap(DomainSummary::uuid, Function.identity(), (a, b) -> a));
        Set<UUID> runningEngines = new HashSet<>(engines.running());
        Set<UUID> known = new HashSet<>();
        for (Association row : associations.list(false)) {
            known.add(row.vtpcmId());
            Optional<DomainSummary> domain = Optional.ofNullable(domains.get(row.vmUuid()));
            boolean active = domain.map(d -> d.state().isActive()).orElse(false);
            boolean engine = runningEngines.contains(row.vtpcmId());
            String who = "vtpcm " + row.vtpcmId() + " (vm " + row.vmUuid() + ", " + row.state() + ")";
            switch (row.state()) {
                case RUNNING -> {
                    if (active && engine) {
                        adopt(adopted, row, who);
                    } else if (!active) {
                        engines.stop(row.vtpcmId());
                        associations.transition(row.vtpcmId(), VtpcmState.RUNNING, VtpcmState.CREATED,
                                "reconcile: the VM stopped while the manager was down");
                        repaired.add(who + ": VM not running at start-up, moved to CREATED (state kept)");
                    } else {
                        flag(flagged, row, "its VM runs but its TPM engine is gone");
                    }
                }
                case CREATED -> {
                    if (domain.isEmpty()) {
                        flag(flagged, row, "libvirt has no domain for it");
                    } else if (active) {
                        flag(flagged, row, "its VM runs although the vTPCM was never started by the manager");
                    } else if (engine) {
                        engines.stop(row.vtpcmId());
                        repaired.add(who + ": stray TPM engine of a stopped VM stopped (state kept)");
                    } else {
                        adopt(adopted, row, who);
                    }
                }
                default -> flag(flagged, row, "a migration was in progress (" + row.state() + "); the migration engine "
                        + "resolves it from its journal" + (engine ? "" : "; its TPM engine is not running"));
            }
        }
        for (UUID orphan : runningEngines) {
            if (!known.contains(orphan)) {
                flagged.add("a TPM engine runs for unknown vTPCM " + orphan + "; left running for an operator to inspect");
            }
        }
        for (DomainSummary domain : domains.values()) {
            if (domain.state() == DomainState.RUNNING && associations.findLiveByVm(domain.uuid()).isEmpty()) {
                LOG.debug("domain {} has no vTPCM (not ours)", domain.name());
            }
        }
        ReconcileReport report = new ReconcileReport(clock.instant(), adopted, repaired, flagged);
        LOG.info("reconcile: {} adopted, {} repaired, {} flagged", adopted.size(), repaired.size(), flagged.size());
        return report;
    }

    private void adopt(List<String> adopted, Association row, String who) {
        if (row.attention().isPresent()) {
            associations.flag(row.vtpcmId(), Optional.empty());
        }
        adopted.add(who);
    }

    private void flag(List<String> flagged, Association row, String finding) {
        associations.flag(row.vtpcmId(), Optional.of(finding));
        flagged.add("vtpcm " + row.vtpcmId() + " (vm " + row.vmUuid() + "): " + finding);
    }
}
