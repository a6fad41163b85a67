package org.vtpcm.manager.lifecycle;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.manager.association.Association;
import org.vtpcm.manager.association.AssociationStore;
import org.vtpcm.manager.association.IllegalTransitionException;
import org.vtpcm.manager.association.VtpcmState;
import org.vtpcm.manager.engine.TpmEngines;
import org.vtpcm.manager.libvirt.DomainLifecycleEvent;

/**
 * Keeps the association list in step with libvirt: a VM that stops or crashes outside the manager
 * moves its vTPCM back to CREATED (engine stopped, state kept); starts and undefines that bypass
 * the manager are flagged for the operator. Migration moves are left to the migration hooks.
 */
public final class DomainEventHandler implements Consumer<DomainLifecycleEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(DomainEventHandler.class);

    private final AssociationStore associations;
    private final TpmEngines engines;

    @Inject
    public DomainEventHandler(AssociationStore associations, TpmEngines engines) {
        this.associations = requireNonNull(associations, "associations is null");
        this.engines = requireNonNull(engines, "engines is null");
    }

    @Override
    public void accept(DomainLifecycleEvent event) {
        Optional<Association> found = associations.findLiveByVm(event.uuid());
        if (found.isEmpty()) {
            return;
        }
        Association row = found.get();
        LOG.info("domain event {} {} for vm {} (vtpcm {} is {})", event.kind(), event.detail(), event.uuid(), row.vtpcmId(), row.state());
        switch (event.kind()) {
            case STOPPED, CRASHED -> {
                if (row.state() == VtpcmState.RUNNING && !event.migratedAway()) {
                    engines.stop(row.vtpcmId());
                    try {
                        associations.transition(row.vtpcmId(), VtpcmState.RUNNING, VtpcmState.CREATED,
                                "domain " + event.kind().name().toLowerCase() + " (" + event.detail() + ")");
                    } catch (IllegalTransitionException e) {
                        LOG.debug("stop of vm {} already recorded: {}", event.uuid(), e.getMessage());
                    }
                }
            }
            case STARTED -> {
                if (row.state() == VtpcmState.CREATED) {
                    associations.flag(row.vtpcmId(), Optional.of("domain was started outside the manager, without measurement"));
                }
            }
            case UNDEFINED -> {
                if (row.state() == VtpcmState.RUNNING || row.state() == VtpcmState.CREATED) { // else a migration's own commit
                    associations.flag(row.vtpcmId(), Optional.of("domain was undefined outside the manager; "
                            + "the vTPCM and its state are kept"));
                }
            }
            default -> {
            }
        }
    }
}
