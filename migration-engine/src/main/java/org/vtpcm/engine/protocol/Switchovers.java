package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.engine.journal.MigrationJournal;

/** The one place a migration is marked switched over: the journal first (recovery rolls forward), then the run. */
final class Switchovers {
    private static final Logger LOG = LoggerFactory.getLogger(Switchovers.class);

    private final MigrationJournal journal;

    Switchovers(MigrationJournal journal) {
        this.journal = requireNonNull(journal, "journal is null");
    }

    /** Marks the run switched over (idempotent) and answers its new context. */
    MigrationContext mark(ActiveRun run, SwitchoverFacts facts, String how) {
        synchronized (run) {
            MigrationContext context = run.context();
            if (context.switchedOver()) {
                return context;
            }
            journal.switchedOver(context.id());
            MigrationContext next = context.withSwitchover(facts);
            run.advance(next);
            LOG.info("migration {}: switched over to {} ({})", context.id(), context.destinationName(), how);
            return next;
        }
    }
}
