package org.vtpcm.collector.interposer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ServeDecisionTest {
    private static final UUID VTPCM = UUID.fromString("00000000-0000-0000-0000-000000000001");
    private static final UUID OTHER = UUID.fromString("00000000-0000-0000-0000-000000000002");
    private static final Path LISTEN = Path.of("/run/vtpcm/a.ctrl");
    private static final Path ENGINE = Path.of("/var/lib/vtpcm/a/swtpm.ctrl");
    private static final Path POOLED = Path.of("/var/lib/vtpcm/pool/3/swtpm.ctrl");

    @Test
    void aNewVtpcmIsServed() {
        assertEquals(ServeDecision.Action.CREATE, decide(Optional.empty(), LISTEN, ENGINE, Optional.empty()).action());
    }

    @Test
    void theSameArgumentsChangeNothingConnectedOrNot() {
        for (boolean connected : new boolean[] {false, true}) {
            ServeDecision decision = decide(Optional.of(new ServeDecision.Served(LISTEN, ENGINE, connected)), LISTEN, ENGINE,
                    Optional.of(VTPCM));
            assertEquals(ServeDecision.Action.UNCHANGED, decision.action());
            assertEquals("", decision.refusal());
        }
    }

    @Test
    void anotherEngineRebindsOnlyWhileQemuIsNotConnected() {
        assertEquals(ServeDecision.Action.REBIND,
                decide(Optional.of(new ServeDecision.Served(LISTEN, ENGINE, false)), LISTEN, POOLED, Optional.of(VTPCM)).action());
        ServeDecision refused = decide(Optional.of(new ServeDecision.Served(LISTEN, ENGINE, true)), LISTEN, POOLED, Optional.of(VTPCM));
        assertEquals(ServeDecision.Action.REFUSE, refused.action());
        assertTrue(refused.refusal().contains("QEMU is connected"), refused.refusal());
    }

    @Test
    void aListenPathBelongsToOneVtpcmAndAVtpcmToOnePath() {
        ServeDecision taken = decide(Optional.empty(), LISTEN, ENGINE, Optional.of(OTHER));
        assertEquals(ServeDecision.Action.REFUSE, taken.action());
        assertTrue(taken.refusal().contains("already served for vTPCM " + OTHER), taken.refusal());
        ServeDecision moved = decide(Optional.of(new ServeDecision.Served(LISTEN, ENGINE, false)), Path.of("/run/vtpcm/b.ctrl"), ENGINE,
                Optional.empty());
        assertEquals(ServeDecision.Action.REFUSE, moved.action());
        assertTrue(moved.refusal().contains("forget it before"), moved.refusal());
    }

    private static ServeDecision decide(Optional<ServeDecision.Served> current, Path listen, Path engine, Optional<UUID> owner) {
        return ServeDecision.decide(VTPCM, listen, engine, current, owner);
    }
}
