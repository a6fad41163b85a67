package org.vtpcm.engine.nova;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vtpcm.engine.journal.RejectedHost;
import org.vtpcm.engine.target.NoTargetException;
import org.vtpcm.nova.Hypervisor;

class NovaTargetChoiceTest {
    private static Hypervisor hypervisor(String host, boolean up, boolean enabled, int running) {
        return new Hypervisor(host + "-id", host + ".lab", host, up, enabled, running, 4096, 0, 4096, 2, 0);
    }

    @Test
    void theLeastLoadedUsableTrustedKnownHostWins() {
        List<RejectedHost> rejected = new ArrayList<>();
        String chosen = NovaTargetChoice.choose(List.of(hypervisor("n1", true, true, 0), hypervisor("n2", true, true, 3),
                hypervisor("n3", true, true, 1), hypervisor("n4", true, true, 0), hypervisor("n5", false, true, 0),
                hypervisor("n6", true, false, 0), hypervisor("other", true, true, 0)), "n1", Set.of("n1", "n2", "n3", "n4", "n5", "n6"),
                host -> host.equals("n4") ? "not attested: UNTRUSTED" : "", rejected);
        assertEquals("n3", chosen);
        assertEquals(List.of(new RejectedHost("n4", "not attested: UNTRUSTED"), new RejectedHost("n5", "Nova reports it down"),
                new RejectedHost("n6", "Nova reports it disabled"), new RejectedHost("other", "not a vtpcm host of this engine")), rejected);
    }

    @Test
    void noUsableHostIsRefusedWithEveryReason() {
        NoTargetException e = assertThrows(NoTargetException.class, () -> NovaTargetChoice.choose(List.of(hypervisor("n1", true, true, 0),
                hypervisor("n2", true, true, 0)), "n1", Set.of("n1", "n2"), host -> "not attested: UNREACHABLE", new ArrayList<>()));
        assertTrue(e.getMessage().contains("no Nova hypervisor"), e.getMessage());
        assertEquals(List.of(new RejectedHost("n2", "not attested: UNREACHABLE")), e.rejected());
    }
}
