package org.vtpcm.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.engine.journal.MigrationOptions;
import org.vtpcm.engine.journal.MigrationRecord;
import org.vtpcm.engine.journal.Phase;
import org.vtpcm.engine.journal.PhaseTiming;
import org.vtpcm.protocol.state.StateDigest;

/** The immutable context the phases pass on: each wither changes its own field only; a record rebuilds what a restart needs. */
class MigrationContextTest {
    static final UUID ID = UUID.fromString("11111111-1111-1111-1111-111111111111");
    static final UUID VTPCM = UUID.fromString("22222222-2222-2222-2222-222222222222");
    static final MigrationOptions OPTIONS = new MigrationOptions("explicit", 2, true, true, true, 100);
    static final HostConfig N2 = new HostConfig("n2", URI.create("https://n2:9443"), "qemu+tls://n2/system", 2, 64);
    static final HostConfig N3 = new HostConfig("n3", URI.create("https://n3:9443"), "qemu+tls://n3/system", 2, 64);
    static final StateDigest LEFT = StateDigest.parse("5a".repeat(32));
    static final StateDigest ARRIVED = StateDigest.parse("77".repeat(32));
    static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    private static byte[] nonce() {
        byte[] nonce = new byte[32];
        for (int i = 0; i < nonce.length; i++) {
            nonce[i] = (byte) (0xf0 + i);
        }
        return nonce;
    }

    private static MigrationContext full() {
        return MigrationContext.opened(ID, nonce(), Harness.VM, OPTIONS, Optional.of("n2"),
                new SourceVtpcm("n1", "vm-a", VTPCM, 3, "allow"))
                .withDestination(N2).withEphemeralPublicKey("04cd").withDestinationAttestedAt(AT)
                .withSwitchover(new SwitchoverFacts(AT.plusSeconds(1), AT)).withDigests(LEFT, LEFT)
                .withArrival(new ArrivalFacts(40, 1500, 1800));
    }

    /** The components named changed, every other one is the same in both. */
    private static void assertOnlyChanged(MigrationContext before, MigrationContext after, Set<String> changed) throws Exception {
        for (RecordComponent component : MigrationContext.class.getRecordComponents()) {
            Object was = component.getAccessor().invoke(before);
            Object is = component.getAccessor().invoke(after);
            if (changed.contains(component.getName())) {
                assertNotEquals(was, is, component.getName() + " changed");
            } else {
                assertEquals(was, is, component.getName() + " kept by the wither of " + changed);
            }
        }
    }

    @Test
    void eachWitherChangesItsOwnFieldOnly() throws Exception {
        MigrationContext context = full();
        Map<Set<String>, UnaryOperator<MigrationContext>> withers = Map.of(
                Set.of("destination"), c -> c.withDestination(N3),
                Set.of("ephemeralPublicKey"), c -> c.withEphemeralPublicKey("04ef"),
                Set.of("destinationAttestedAt"), c -> c.withDestinationAttestedAt(AT.plusSeconds(9)),
                Set.of("switchover"), c -> c.withSwitchover(SwitchoverFacts.unknownTimes()),
                Set.of("digestLeft", "digestArrived"), c -> c.withDigests(ARRIVED, ARRIVED),
                Set.of("arrival"), c -> c.withArrival(ArrivalFacts.UNKNOWN));
        for (Map.Entry<Set<String>, UnaryOperator<MigrationContext>> wither : withers.entrySet()) {
            assertOnlyChanged(context, wither.getValue().apply(context), wither.getKey());
        }
    }

    @Test
    void theNonceRoundTripsThroughItsHex() {
        MigrationContext context = full();
        assertEquals("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f", context.nonceHex());
        assertArrayEquals(nonce(), context.nonce());
        assertNotSame(context.nonce(), context.nonce(), "a fresh copy each time");
        context.nonce()[0] = 0;
        assertArrayEquals(nonce(), context.nonce(), "the context cannot be changed through it");
    }

    @Test
    void anOpenedMigrationKnowsOnlyItsSource() {
        MigrationContext context = MigrationContext.opened(ID, nonce(), Harness.VM, OPTIONS, Optional.empty(),
                new SourceVtpcm("n1", "vm-a", VTPCM, 3, null));
        assertEquals("n1", context.sourceHost());
        assertEquals("deny", context.source().policy(), "no policy text: deny");
        assertEquals(4, context.newEpoch());
        assertNull(context.destination());
        assertNull(context.destinationName());
        assertFalse(context.switchedOver());
        assertFalse(context.digestsKnown());
        assertEquals(ArrivalFacts.UNKNOWN, context.arrival());
        assertThrows(NullPointerException.class, () -> MigrationContext.opened(ID, nonce(), Harness.VM, OPTIONS, Optional.empty(), null));
    }

    @Test
    void requiredFieldsAreCheckedAndAMissingArrivalIsUnknown() {
        assertThrows(NullPointerException.class, () -> new MigrationContext(null, "00", Harness.VM, OPTIONS, Optional.empty(), null, null,
                null, null, null, null, null, null));
        assertThrows(NullPointerException.class, () -> new MigrationContext(ID, "00", Harness.VM, null, Optional.empty(), null, null,
                null, null, null, null, null, null));
        assertEquals(ArrivalFacts.UNKNOWN, new MigrationContext(ID, "00", Harness.VM, OPTIONS, Optional.empty(), null, null, null, null,
                null, null, null, null).arrival());
    }

    @Test
    void digestsAreKnownOnlyWhenBothAre() {
        MigrationContext context = MigrationContext.opened(ID, nonce(), Harness.VM, OPTIONS, Optional.empty(),
                new SourceVtpcm("n1", "vm-a", VTPCM, 3, "deny"));
        assertFalse(context.withDigests(LEFT, null).digestsKnown());
        assertFalse(context.withDigests(null, ARRIVED).digestsKnown());
        assertTrue(context.withDigests(StateDigest.NONE, ARRIVED).digestsKnown(), "NONE is a digest the journal knows: no report came");
    }

    private static MigrationRecord record(UUID vtpcm, Long epoch, boolean switchedOver, StateDigest left, StateDigest arrived) {
        return new MigrationRecord(ID, "ab".repeat(32), Harness.VM, "vm-a", vtpcm, vtpcm == null ? null : "n1", "n2", Phase.VERIFIED, null,
                null, OPTIONS, AT, AT, epoch, left, arrived, null, null, List.of(), null, switchedOver, false,
                List.of(new PhaseTiming(Phase.REQUESTED, AT, 0L)));
    }

    @Test
    void aSwitchedOverRecordRebuildsAContextThatOnlyRollsForward() {
        MigrationContext context = MigrationContext.fromRecord(record(VTPCM, 4L, true, LEFT, ARRIVED), Optional.of(N2));
        assertEquals(ID, context.id());
        assertEquals("ab".repeat(32), context.nonceHex());
        assertEquals(new SourceVtpcm("n1", "vm-a", VTPCM, 3, "deny"), context.source(), "the epoch journaled is the destination's");
        assertEquals(4, context.newEpoch());
        assertEquals(N2, context.destination());
        assertEquals(Optional.of("n2"), context.requestedHost());
        assertTrue(context.switchedOver());
        assertEquals(SwitchoverFacts.unknownTimes(), context.switchover());
        assertEquals(LEFT, context.digestLeft());
        assertEquals(ARRIVED, context.digestArrived());
        assertNull(context.ephemeralPublicKey(), "only the process that prepared the destination knew it");
        assertNull(context.destinationAttestedAt());
        assertEquals(ArrivalFacts.UNKNOWN, context.arrival());
        assertEquals(OPTIONS, context.options());
    }

    @Test
    void aRecordBeforeTheSwitchoverOrWithoutItsVtpcmRebuildsWhatItCan() {
        assertFalse(MigrationContext.fromRecord(record(VTPCM, 4L, false, null, null), Optional.empty()).switchedOver());
        MigrationContext unlocated = MigrationContext.fromRecord(record(null, null, false, null, null), Optional.empty());
        assertNull(unlocated.source());
        assertNull(unlocated.sourceHost());
        assertNull(unlocated.destination());
    }
}
