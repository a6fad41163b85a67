package org.vtpcm.collector.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SnapshotIdTest {
    private static final UUID VTPCM = UUID.fromString("0f8c2f4e-1b2a-4c3d-9e8f-0123456789ab");

    @Test
    void fileNameIsBuiltFromTypedFieldsOnly() {
        assertEquals("0f8c2f4e-1b2a-4c3d-9e8f-0123456789ab-frozen-7.snap", new SnapshotId(VTPCM, SnapshotKind.FROZEN, 7).fileName());
        assertEquals("0f8c2f4e-1b2a-4c3d-9e8f-0123456789ab-staged-0.snap", new SnapshotId(VTPCM, SnapshotKind.STAGED, 0).fileName());
    }

    @Test
    void fileNameRoundTrips() {
        for (SnapshotKind kind : SnapshotKind.values()) {
            for (long epoch : new long[] {0, 1, 42, Long.MAX_VALUE}) {
                SnapshotId id = new SnapshotId(UUID.randomUUID(), kind, epoch);
                assertEquals(Optional.of(id), SnapshotId.fromFileName(id.fileName()));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", ".snap", "foo.txt", ".snap-123.tmp", ".snap-del-1.tmp",
        "0f8c2f4e-1b2a-4c3d-9e8f-0123456789ab-frozen-7.snap.tmp",
        "0F8C2F4E-1B2A-4C3D-9E8F-0123456789AB-frozen-7.snap", // non-canonical UUID spelling
        "0f8c2f4e-1b2a-4c3d-9e8f-0123456789ab-FROZEN-7.snap",
        "0f8c2f4e-1b2a-4c3d-9e8f-0123456789ab-thawed-7.snap",
        "0f8c2f4e-1b2a-4c3d-9e8f-0123456789ab-frozen-07.snap", // leading zero
        "0f8c2f4e-1b2a-4c3d-9e8f-0123456789ab-frozen-+7.snap",
        "0f8c2f4e-1b2a-4c3d-9e8f-0123456789ab-frozen--7.snap",
        "0f8c2f4e-1b2a-4c3d-9e8f-0123456789ab-frozen-.snap",
        "0f8c2f4e-1b2a-4c3d-9e8f-0123456789ab-frozen.snap",
        "0f8c2f4e-1b2a-4c3d-9e8f-0123456789ab-frozen-99999999999999999999.snap",
        "../0f8c2f4e-1b2a-4c3d-9e8f-0123456789ab-frozen-7.snap",
        "0f8c2f4e-1b2a-4c3d-9e8f-0123456789ab-frozen-7/../x.snap",
        "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz-frozen-7.snap"})
    void foreignNamesAreNotSnapshots(String name) {
        assertEquals(Optional.empty(), SnapshotId.fromFileName(name));
    }

    @Test
    void nullNameIsNotASnapshot() {
        assertEquals(Optional.empty(), SnapshotId.fromFileName(null));
    }

    @Test
    void validatesFields() {
        assertThrows(IllegalArgumentException.class, () -> new SnapshotId(VTPCM, SnapshotKind.FROZEN, -1));
        assertThrows(NullPointerException.class, () -> new SnapshotId(null, SnapshotKind.FROZEN, 1));
        assertThrows(NullPointerException.class, () -> new SnapshotId(VTPCM, null, 1));
    }

    @Test
    void kindTokens() {
        assertEquals("frozen", SnapshotKind.FROZEN.token());
        assertEquals("staged", SnapshotKind.STAGED.token());
        assertEquals(Optional.of(SnapshotKind.STAGED), SnapshotKind.fromToken("staged"));
        assertTrue(SnapshotKind.fromToken("Frozen").isEmpty());
    }

    @Test
    void ordersByVtpcmThenKindThenEpoch() {
        UUID other = UUID.fromString("1f8c2f4e-1b2a-4c3d-9e8f-0123456789ab");
        List<SnapshotId> sorted = List.of(
                new SnapshotId(VTPCM, SnapshotKind.FROZEN, 2), new SnapshotId(VTPCM, SnapshotKind.FROZEN, 10),
                new SnapshotId(VTPCM, SnapshotKind.STAGED, 1), new SnapshotId(other, SnapshotKind.FROZEN, 1));
        List<SnapshotId> shuffled = new ArrayList<>(List.of(sorted.get(3), sorted.get(1), sorted.get(2), sorted.get(0)));
        shuffled.sort(null);
        assertEquals(sorted, shuffled);
    }
}
