package org.vtpcm.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vtpcm.lab.NovaMigrationRecords.State;
import org.vtpcm.nova.ServerMigration;

class NovaMigrationRecordsTest {
    private static final String SERVER = "5f0c3c1e-2f7e-4a4e-9d7e-1c1b2a3d4e5f";

    private static ServerMigration record(long id, String status, Optional<String> type) {
        Optional<String> none = Optional.empty();
        OptionalLong unknown = OptionalLong.empty();
        return new ServerMigration(id, Optional.of("uuid-" + id), SERVER, status, type, Optional.of("vtpcm-n1"), Optional.of("vtpcm-n2"),
                none, none, none, none, unknown, unknown, unknown, unknown, unknown, unknown);
    }

    private static ServerMigration live(long id, String status) {
        return record(id, status, Optional.of("live-migration"));
    }

    @Test
    void theCallsRecordIsTheNewestLiveMigrationThatWasNotThereBefore() {
        List<ServerMigration> before = List.of(live(7, "completed"), live(5, "error"));
        Set<Long> known = NovaMigrationRecords.ids(before);
        assertEquals(Optional.empty(), NovaMigrationRecords.started(before, known), "nothing new yet");

        List<ServerMigration> now = List.of(live(9, "running"), record(8, "confirmed", Optional.of("migration")), live(7, "completed"),
                live(5, "error"));
        assertEquals(9, NovaMigrationRecords.started(now, known).orElseThrow().id(), "a cold migration or resize is not the call's");
        assertEquals(9, NovaMigrationRecords.started(List.of(live(7, "completed"), live(9, "running")), known).orElseThrow().id(),
                "by id, whatever the answer's order");
        assertEquals(10, NovaMigrationRecords.started(List.of(record(10, "queued", Optional.empty())), known).orElseThrow().id(),
                "a record without a type (before 2.23) counts as a live migration");
    }

    @Test
    void statesFollowNovasStatuses() {
        assertEquals(State.NOT_RECORDED, NovaMigrationRecords.state(Optional.empty()));
        for (String status : List.of("accepted", "queued", "preparing", "running", "post-migrating")) {
            assertEquals(State.IN_PROGRESS, NovaMigrationRecords.state(Optional.of(live(1, status))), status);
        }
        assertEquals(State.COMPLETED, NovaMigrationRecords.state(Optional.of(live(1, "completed"))));
        for (String status : List.of("error", "failed", "cancelled")) {
            assertEquals(State.ENDED_OTHERWISE, NovaMigrationRecords.state(Optional.of(live(1, status))), status);
        }
    }

    @Test
    void aRecordIsDescribedByIdAndUuid() {
        assertEquals("id 12 (uuid-12)", NovaMigrationRecords.describe(Optional.of(live(12, "running"))));
        assertTrue(NovaMigrationRecords.describe(Optional.empty()).isEmpty());
    }
}
