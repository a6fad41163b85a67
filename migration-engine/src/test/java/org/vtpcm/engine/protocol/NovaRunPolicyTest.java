package org.vtpcm.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NovaRunPolicyTest {
    private static final Instant BEGUN = Instant.parse("2026-12-07T10:00:00Z");

    @Test
    void aRunNovaLeftBeforeItsSwitchoverExpiresAfterTheTimeout() {
        Duration timeout = Duration.ofSeconds(900);
        assertFalse(NovaRunPolicy.expired(BEGUN, false, BEGUN.plusSeconds(900), timeout));
        assertTrue(NovaRunPolicy.expired(BEGUN, false, BEGUN.plusSeconds(901), timeout));
        assertFalse(NovaRunPolicy.expired(BEGUN, true, BEGUN.plusSeconds(90_000), timeout), "past the switchover it only rolls forward");
    }

    @Test
    void anAttestationOlderThanTheFreshnessIsDoneAgain() {
        Duration freshness = Duration.ofSeconds(60);
        assertFalse(NovaRunPolicy.attestationStale(BEGUN, BEGUN.plusSeconds(60), freshness));
        assertTrue(NovaRunPolicy.attestationStale(BEGUN, BEGUN.plusSeconds(61), freshness));
        assertTrue(NovaRunPolicy.attestationStale(null, BEGUN, freshness), "never attested is stale");
    }
}
