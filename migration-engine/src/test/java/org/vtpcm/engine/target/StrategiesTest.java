package org.vtpcm.engine.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vtpcm.engine.config.HostConfig;

class StrategiesTest {
    private static Candidate candidate(String name, int vtpcms, int migrations) {
        return new Candidate(new HostConfig(name, URI.create("https://" + name + ":9443"), "qemu+tcp://" + name + "/system", 2, 64),
                vtpcms, migrations);
    }

    @Test
    void leastLoadedCountsVtpcmsAndRunningMigrations() {
        List<Candidate> eligible = List.of(candidate("n2", 3, 0), candidate("n3", 1, 1), candidate("n4", 1, 0));
        assertEquals("n4", new LeastLoadedTrusted().choose(Optional.empty(), eligible).orElseThrow().host().name());
        assertTrue(new LeastLoadedTrusted().choose(Optional.empty(), List.of()).isEmpty());
    }

    @Test
    void explicitTakesOnlyTheNamedHostAndOnlyIfEligible() {
        List<Candidate> eligible = List.of(candidate("n2", 3, 0));
        assertEquals("n2", new ExplicitHost().choose(Optional.of("n2"), eligible).orElseThrow().host().name());
        assertTrue(new ExplicitHost().choose(Optional.of("n3"), eligible).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new ExplicitHost().choose(Optional.empty(), eligible));
    }

    @Test
    void unknownStrategiesAreRefusedByName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TargetStrategies.defaults().get("random")).getMessage()
                .contains("least-loaded"));
    }
}
