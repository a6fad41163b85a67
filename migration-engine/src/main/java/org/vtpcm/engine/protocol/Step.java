package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

/** What a phase did: the context it leaves for the next phase, and one line for the journal. */
record Step(MigrationContext context, String detail) {
    Step {
        requireNonNull(context, "context is null");
        requireNonNull(detail, "detail is null");
    }
}
