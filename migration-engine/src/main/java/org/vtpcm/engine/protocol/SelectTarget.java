package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import org.vtpcm.engine.journal.MigrationJournal;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.engine.target.NoTargetException;
import org.vtpcm.engine.target.TargetChoice;
import org.vtpcm.engine.target.TargetSelector;

/** TARGET_SELECTED: the strategy picks a destination among hosts that pass every check. */
final class SelectTarget implements PhaseStep {
    private final TargetChoice selector;
    private final MigrationJournal journal;

    SelectTarget(TargetChoice selector, MigrationJournal journal) {
        this.selector = requireNonNull(selector, "selector is null");
        this.journal = requireNonNull(journal, "journal is null");
    }

    @Override
    public Phase phase() {
        return Phase.TARGET_SELECTED;
    }

    @Override
    public String intent(MigrationContext context) {
        return "strategy " + context.options().strategy() + context.requestedHost().map(host -> ", requested " + host).orElse("");
    }

    @Override
    public Step run(ActiveRun run) {
        MigrationContext context = run.context();
        try {
            TargetSelector.Selection selection = selector.select(context.sourceHost(), context.requestedHost(), context.options().strategy());
            journal.rejected(context.id(), selection.rejected());
            journal.destination(context.id(), selection.destination().name());
            return new Step(context.withDestination(selection.destination()), "destination " + selection.destination().name());
        } catch (NoTargetException e) {
            journal.rejected(context.id(), e.rejected());
            throw new ProtocolRefusal(e.getMessage());
        }
    }
}
