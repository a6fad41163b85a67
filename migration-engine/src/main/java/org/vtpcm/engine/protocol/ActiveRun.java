package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/**
 * A migration being run: its current {@link MigrationContext} and whether an operator asked to stop
 * it. The only mutable state the phases share; the switchover and an abort request are decided under
 * its lock, so an abort is either granted before the switchover or refused after it.
 */
public final class ActiveRun {
    private MigrationContext context;
    private boolean abortRequested;

    public ActiveRun(MigrationContext context) {
        this.context = requireNonNull(context, "context is null");
    }

    public UUID id() {
        return context().id();
    }

    public synchronized MigrationContext context() {
        return context;
    }

    /** Moves on to the context a phase returned. */
    synchronized void advance(MigrationContext next) {
        if (!next.id().equals(context.id())) {
            throw new IllegalArgumentException("context of migration " + next.id() + " given to run " + context.id());
        }
        if (context.switchedOver() && !next.switchedOver()) {
            throw new IllegalStateException("migration " + context.id() + " cannot go back before its switchover");
        }
        context = next;
    }

    /** Asks the run to stop; false (nothing asked) once past the switchover. */
    public synchronized boolean requestAbort() {
        if (context.switchedOver()) {
            return false;
        }
        abortRequested = true;
        return true;
    }

    /** An abort was asked and the run has not switched over. */
    public synchronized boolean abortPending() {
        return abortRequested && !context.switchedOver();
    }
}
