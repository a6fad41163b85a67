package org.vtpcm.lab;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.vtpcm.nova.ServerMigration;

/** Which of a server's Nova migration records the bench's live-migration call made, and how far it is. Pure functions. */
final class NovaMigrationRecords {
    static final String LIVE_MIGRATION = "live-migration";
    static final String COMPLETED = "completed";

    /** Where the call's migration is. */
    enum State {
        /** Nova has no record for it yet. */
        NOT_RECORDED,
        /** Recorded and not finished (accepted, queued, preparing, running, post-migrating, ...). */
        IN_PROGRESS,
        /** Nova's record says completed. */
        COMPLETED,
        /** Finished any other way (error, failed, cancelled, ...). */
        ENDED_OTHERWISE
    }

    private NovaMigrationRecords() {
    }

    /** The ids of the records, to tell the next call's record from them. */
    static Set<Long> ids(List<ServerMigration> records) {
        return records.stream().map(ServerMigration::id).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * The call's record: the newest live migration (highest id) among those that were not there before the call. A record
     * without a type counts as a live migration (the type is in the answer from compute API 2.23 on).
     */
    static Optional<ServerMigration> started(List<ServerMigration> records, Set<Long> before) {
        return records.stream().filter(record -> !before.contains(record.id()))
                .filter(record -> record.migrationType().map(LIVE_MIGRATION::equals).orElse(true))
                .max(Comparator.comparingLong(ServerMigration::id));
    }

    static State state(Optional<ServerMigration> record) {
        if (record.isEmpty()) {
            return State.NOT_RECORDED;
        }
        if (COMPLETED.equals(record.get().status())) {
            return State.COMPLETED;
        }
        return record.get().finished() ? State.ENDED_OTHERWISE : State.IN_PROGRESS;
    }

    /** "id 12 (uuid)" for messages and samples; empty when there is no record. */
    static String describe(Optional<ServerMigration> record) {
        return record.map(r -> "id " + r.id() + r.uuid().map(uuid -> " (" + uuid + ")").orElse("")).orElse("");
    }
}
