package org.vtpcm.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.engine.attestation.AttestationResult;
import org.vtpcm.engine.attestation.AttestationState;
import org.vtpcm.engine.attestation.DestinationAttestation;
import org.vtpcm.engine.journal.Phase;

/** DEST_ATTESTED on its own: the destination quotes over the migration's nonce; the time of the check is kept. */
class AttestDestinationTest {
    @TempDir
    Path folder;
    Harness harness;
    ActiveRun run;
    final Recorder attester = new Recorder();

    @BeforeEach
    void start() {
        harness = new Harness(folder);
        run = harness.open();
        harness.runThrough(run, Phase.TARGET_SELECTED);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    /** Answers {@link #state} at {@link #checkedAt}, recording each host asked and the nonce (null: a fresh one). */
    static final class Recorder implements DestinationAttestation {
        final List<String> hosts = new ArrayList<>();
        final List<byte[]> nonces = new ArrayList<>();
        AttestationState state = AttestationState.TRUSTED;
        List<String> problems = List.of();
        Instant checkedAt = Instant.parse("2026-01-01T00:00:07Z");

        @Override
        public AttestationResult attest(String host, byte[] nonce) {
            hosts.add(host);
            nonces.add(nonce);
            return new AttestationResult(host, state, checkedAt, problems);
        }

        @Override
        public AttestationResult attest(String host) {
            return attest(host, null);
        }
    }

    @Test
    void theDestinationQuotesOverTheMigrationsNonceAndTheCheckTimeIsKept() {
        MigrationContext before = run.context();
        AttestDestination step = new AttestDestination(attester);
        assertEquals("quote of n2 over the migration nonce", step.intent(before));

        Step result = step.run(run);

        assertEquals(List.of("n2"), attester.hosts);
        assertArrayEquals(before.nonce(), attester.nonces.get(0), "bound to this migration's nonce");
        assertEquals(attester.checkedAt, result.context().destinationAttestedAt());
        assertEquals(before, result.context().withDestinationAttestedAt(null), "nothing else changed");
        assertEquals("destination n2 trusted", result.detail());
    }

    @Test
    void anUntrustedDestinationIsRefusedWithTheVerifiersProblems() {
        attester.state = AttestationState.UNTRUSTED;
        attester.problems = List.of("PCR 11 does not match", "event log replay differs");

        ProtocolRefusal refusal = assertThrows(ProtocolRefusal.class, () -> new AttestDestination(attester).run(run));

        assertEquals("destination n2 failed attestation: quote failed: PCR 11 does not match; event log replay differs",
                refusal.getMessage());
        assertTrue(harness.nodes.log.isEmpty(), "no node was asked to do anything");
    }

    @Test
    void anUnreachableDestinationIsRefusedToo() {
        attester.state = AttestationState.UNREACHABLE;
        attester.problems = List.of("connection refused");
        ProtocolRefusal refusal = assertThrows(ProtocolRefusal.class, () -> new AttestDestination(attester).run(run));
        assertTrue(refusal.getMessage().contains("manager unreachable (connection refused)"), refusal.getMessage());
    }

    @Test
    void renewingQuotesOverAFreshNonceAndTakesTheNewTime() {
        AttestDestination step = new AttestDestination(attester);
        MigrationContext attested = step.run(run).context();
        attester.checkedAt = attester.checkedAt.plus(Duration.ofMinutes(20));

        MigrationContext renewed = step.renew(attested);

        assertEquals(2, attester.hosts.size());
        assertEquals(null, attester.nonces.get(1), "not the migration's nonce: an old quote cannot be replayed");
        assertEquals(attester.checkedAt, renewed.destinationAttestedAt());
        assertNotEquals(attested.destinationAttestedAt(), renewed.destinationAttestedAt());
        attester.state = AttestationState.UNTRUSTED;
        assertThrows(ProtocolRefusal.class, () -> step.renew(attested));
        assertFalse(run.context().switchedOver());
    }
}
