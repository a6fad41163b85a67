package org.vtpcm.manager.association;

import org.vtpcm.manager.store.NodeSchema;

import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import org.vtpcm.protocol.store.SqliteDatabase;

/** Child process of {@link AssociationStoreCrashTest}: changes the association list as fast as it can until killed. */
public final class CrashWriter {
    private CrashWriter() {
    }

    public static void main(String[] args) {
        SqliteDatabase database = NodeSchema.open(Path.of(args[0]));
        AssociationStore store = new AssociationStore(database, Clock.systemUTC());
        System.out.println("ready");
        System.out.flush();
        while (true) {
            UUID id = UUID.randomUUID();
            store.create(id, UUID.randomUUID(), "vm", VtpcmState.CREATED, 0, "n1", ControlPolicy.DENY);
            store.transition(id, VtpcmState.CREATED, VtpcmState.RUNNING, "start");
            store.transition(id, VtpcmState.RUNNING, VtpcmState.FROZEN, "freeze");
            store.transition(id, VtpcmState.FROZEN, VtpcmState.MIGRATING_OUT, 1, "export");
            store.transition(id, VtpcmState.MIGRATING_OUT, VtpcmState.DESTROYED, "commit");
        }
    }
}
