package org.vtpcm.engine.protocol;

import org.vtpcm.engine.journal.Phase;

/** One phase of the protocol: the journal records it as begun, then {@link #run} does its side effect. */
interface PhaseStep {
    Phase phase();

    /** What the journal says when the phase begins. */
    String intent(MigrationContext context);

    /**
     * Does the phase on the run's current context and returns the next one; throws {@link ProtocolRefusal}
     * (or anything) to stop before the switchover.
     */
    Step run(ActiveRun run);
}
