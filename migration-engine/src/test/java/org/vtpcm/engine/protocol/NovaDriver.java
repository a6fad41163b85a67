package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.UUID;
import org.vtpcm.engine.journal.MigrationRecord;
import org.vtpcm.nodeapi.DomainState;

/**
 * Plays Nova's compute driver over a {@link Harness}: the hooks in the order Nova calls them for the
 * VM on n1, and Nova's libvirt driver moving the guest itself (resume-first), which the engine never sees.
 */
final class NovaDriver {
    private final Harness harness;
    final NovaHooks hooks;
    /** The engine's id of the migration the last {@link #begin} answered. */
    UUID migration;

    NovaDriver(Harness harness) {
        this.harness = requireNonNull(harness, "harness is null");
        this.hooks = harness.protocol.nova();
    }

    /** Nova's live migration of the harness's VM from n1, over QEMU native TLS unless told otherwise. */
    static NovaHooks.NovaMigration request(String source, String destination, boolean nativeTls) {
        return new NovaHooks.NovaMigration(Harness.VM, source, destination, Optional.of("nova-migration-42"), nativeTls);
    }

    /** check_can_live_migrate_destination. */
    MigrationRecord begin(String destination) {
        return begin(request("n1", destination, true));
    }

    MigrationRecord begin(NovaHooks.NovaMigration request) {
        MigrationRecord record = hooks.begin(request);
        migration = record.id();
        return record;
    }

    /** pre_live_migration (destination). */
    MigrationRecord prepare() {
        return hooks.prepare(Harness.VM, migration);
    }

    /** live_migration (source), before Nova's libvirt driver starts. */
    MigrationRecord send() {
        return hooks.send(Harness.VM, migration);
    }

    /** Nova's libvirt driver moved the guest: gone at n1, already running at the destination (resume-first). */
    void moveVm(String destination) {
        harness.n("n1").domains.remove(Harness.VM);
        harness.n(destination).domains.put(Harness.VM, DomainState.RUNNING);
    }

    /** Nova's libvirt job still runs: the guest runs at n1 and waits, paused, at the destination. */
    void vmInFlight(String destination) {
        harness.n("n1").domains.put(Harness.VM, DomainState.RUNNING);
        harness.n(destination).domains.put(Harness.VM, DomainState.PAUSED);
    }

    /** post_live_migration_at_destination. */
    MigrationRecord commit() {
        return hooks.commit(Harness.VM, migration);
    }

    /** rollback_live_migration_at_destination (or a failed source step). */
    MigrationRecord abort(String reason) {
        return hooks.abort(Harness.VM, migration, reason);
    }

    /** Every hook in Nova's order, the guest moved between send and commit. */
    MigrationRecord migrate(String destination) {
        begin(destination);
        prepare();
        send();
        moveVm(destination);
        return commit();
    }
}
