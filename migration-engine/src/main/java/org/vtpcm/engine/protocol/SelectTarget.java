package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.vtpcm.engine.journal.MigrationJournal;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.engine.target.NoTargetException;
import org.vtpcm.engine.target.TargetSelector;

/** TARGET_SELECTED: the strategy picks a destination among hosts that pass every check. */
final class SelectTarget implements PhaseStep {
    private final TargetSelector selector;
    private final MigrationJournal journal;

    SelectTarget(TargetSelector selector, MigrationJournal journal) {
        this.selector = requireNonNull(selector, "selector is null");
        this.journal = requireNonNull(journal, "journal is null");
    }

    @Override
    public Phase phase() {
        return Phase.TARGET_SELECTED;
    }

    @Override
    public String intent(MigrationRun run) {
        return "strategy " + run.options.strategy() + run.requestedHost.map(host -> ", requested " + host).orElse("");
    }

    @Override
    public String run(MigrationRun run) {
        try {
            TargetSelector.Selection selection = selector.select(run.source, run.requestedHost, run.options.strategy());
            journal.rejected(run.id, selection.rejected());
            run.destination = selection.destination();
            journal.update(run.id, Map.of("destination", run.destination.name()));
            return "destination " + run.destination.name();
        } catch (NoTargetException e) {
            journal.rejected(run.id, e.rejected());
            throw new ProtocolRefusal(e.getMessage());
        }
    }
}
