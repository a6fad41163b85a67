package org.vtpcm.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class MigrationSummaryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void rendersEveryFieldOfAnEndedMigration() throws IOException {
        String summary = MigrationSummary.render(JSON.readTree("""
                {"id": "m1", "vmUuid": "0b5c", "vmName": "guest", "source": "n1", "destination": "n2", "phase": "FAILED",
                 "outcome": "FAILED", "reason": "state digest mismatch",
                 "phases": [{"phase": "REQUESTED", "millis": 1}, {"phase": "VERIFIED", "millis": 40}],
                 "rejectedHosts": [{"host": "n3", "reason": "not attested"}],
                 "digestLeft": "AA11", "digestArrived": "bb22", "epoch": 3, "downtimeMs": null, "totalMs": 3500}
                """));
        assertEquals("""
                migration       m1
                vm              guest (0b5c)
                route           n1 -> n2
                outcome         FAILED
                reason          state digest mismatch
                phases
                  REQUESTED             1 ms
                  VERIFIED             40 ms
                total           3500 ms
                downtime        -
                digest left     AA11
                digest arrived  bb22
                digests equal   NO
                epoch           3
                rejected host   n3: not attested
                """, summary.replace(System.lineSeparator(), "\n"));
    }

    @Test
    void digestsCompareWithoutCase() throws IOException {
        assertEquals("yes", MigrationSummary.digestsEqual(JSON.readTree("{\"digestLeft\": \"AB\", \"digestArrived\": \"ab\"}")));
    }
}
