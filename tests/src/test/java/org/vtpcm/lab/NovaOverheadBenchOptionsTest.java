package org.vtpcm.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class NovaOverheadBenchOptionsTest {
    @Test
    void defaultsAreTenPairsAndFiveMinutesPerMigration() {
        NovaOverheadBench.Options options = NovaOverheadBench.Options.parse(new String[] {"--out", "/tmp/x"});
        assertEquals(10, options.pairs());
        assertEquals(Duration.ofSeconds(300), options.timeout());
        assertEquals(Path.of("/tmp/x"), options.out());
        assertEquals("bin/bench nova-overhead --pairs 10", options.command());
    }

    @Test
    void pairsAndTimeoutAreReadAndBounded() {
        NovaOverheadBench.Options options = NovaOverheadBench.Options.parse(new String[] {"--pairs", "25", "--timeout", "600"});
        assertEquals(25, options.pairs());
        assertEquals("bin/bench nova-overhead --pairs 25 --timeout 600", options.command());
        assertThrows(IllegalArgumentException.class, () -> NovaOverheadBench.Options.parse(new String[] {"--pairs", "0"}));
        assertThrows(IllegalArgumentException.class, () -> NovaOverheadBench.Options.parse(new String[] {"--timeout", "5"}));
        assertThrows(IllegalArgumentException.class, () -> NovaOverheadBench.Options.parse(new String[] {"--pairs"}));
        assertThrows(IllegalArgumentException.class, () -> NovaOverheadBench.Options.parse(new String[] {"--rounds", "3"}));
        assertThrows(NumberFormatException.class, () -> NovaOverheadBench.Options.parse(new String[] {"--pairs", "ten"}));
    }
}
