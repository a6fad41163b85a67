package org.vtpcm.attestation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuoteVerifierTest {
    private static final int FILES_PCR = 8;
    private static final int CONFIG_PCR = 9;
    private static final int[] QUOTED = {FILES_PCR, CONFIG_PCR, 10};

    @TempDir
    Path temp;

    private EmulatedPlatformTpm tpm;
    private Path agent;
    private Path policy;
    private byte[] nonce;
    private List<PlatformEvent> log;
    private Quote quote;
    private ReferenceValues golden;
    private final QuoteVerifier verifier = new QuoteVerifier();

    @BeforeEach
    void measuredStart() throws Exception {
        agent = Files.writeString(temp.resolve("vtpcm-agent.bin"), "agent v1");
        policy = Files.writeString(temp.resolve("migration-policy.json"), "{\"allow\":true}");
        tpm = TestTpms.start(temp);
        bootAndQuote();
        golden = ReferenceValues.fromEvents(log);
    }

    @AfterEach
    void stop() {
        tpm.close();
    }

    /** One measured start of the node followed by a quote for a fresh nonce. */
    private void bootAndQuote() {
        PlatformMeasurer measurer = new PlatformMeasurer(tpm);
        measurer.measureFile(FILES_PCR, agent);
        measurer.measureFile(FILES_PCR, policy);
        measurer.measureBytes(CONFIG_PCR, "manager-config", "node=compute-1".getBytes());
        log = measurer.eventLog();
        nonce = new byte[32];
        new SecureRandom().nextBytes(nonce);
        quote = tpm.quote(nonce, QUOTED);
    }

    private QuoteVerdict verify(byte[] expectedNonce, Quote q, List<PlatformEvent> events, ReferenceValues reference) {
        return verifier.verify(tpm.attestationKey().publicArea(), expectedNonce, q, events, reference);
    }

    @Test
    void knownGoodNodeIsTrusted() {
        QuoteVerdict verdict = verify(nonce, quote, log, golden);
        assertTrue(verdict.trusted(), verdict.problems().toString());
        assertEquals(List.of(), verdict.problems());
    }

    @Test
    void differentNonceIsNotTrusted() {
        byte[] other = nonce.clone();
        other[0] ^= 1;
        QuoteVerdict verdict = verify(other, quote, log, golden);
        assertFalse(verdict.trusted());
        assertEquals(1, verdict.problems().size(), verdict.problems().toString());
        assertTrue(verdict.problems().get(0).contains("nonce"));
    }

    @Test
    void changedFileIsNotTrustedAndTheEventIsNamed() throws Exception {
        Files.writeString(policy, "{\"allow\":\"everything\"}");
        tpm.close();
        tpm = TestTpms.start(temp); // reboot the node with the changed file
        bootAndQuote();
        QuoteVerdict verdict = verify(nonce, quote, log, golden);
        assertFalse(verdict.trusted());
        assertEquals(1, verdict.problems().size(), verdict.problems().toString());
        String problem = verdict.problems().get(0);
        assertTrue(problem.contains("not an allowed reference value"), problem);
        assertTrue(problem.contains(policy.toAbsolutePath().toString()), problem);
        assertTrue(problem.contains("#1"), problem);
    }

    @Test
    void tamperedAttestIsNotTrusted() {
        byte[] attest = quote.attest();
        attest[attest.length - 50] ^= 1; // inside firmwareVersion: still parseable, only the signature breaks
        QuoteVerdict verdict = verify(nonce, new Quote(attest, quote.signature(), quote.pcrValues()), log, golden);
        assertFalse(verdict.trusted());
        assertEquals(List.of("quote signature does not verify with the attestation key"), verdict.problems());
    }

    @Test
    void eventRemovedFromTheLogFailsReplay() {
        List<PlatformEvent> shortened = new ArrayList<>(log);
        shortened.remove(1);
        QuoteVerdict verdict = verify(nonce, quote, shortened, golden);
        assertFalse(verdict.trusted());
        assertEquals(1, verdict.problems().size(), verdict.problems().toString());
        assertTrue(verdict.problems().get(0).contains("replay gives PCR " + FILES_PCR));
    }

    @Test
    void reorderedLogFailsReplay() {
        List<PlatformEvent> reordered = new ArrayList<>(log);
        reordered.add(0, reordered.remove(1));
        assertFalse(verify(nonce, quote, reordered, golden).trusted());
    }

    @Test
    void forgedPcrValueIsNotTrusted() {
        Map<Integer, byte[]> forged = quote.pcrValues();
        forged.put(CONFIG_PCR, TestTpms.sha256(new byte[32], TestTpms.sha256("whatever".getBytes())));
        QuoteVerdict verdict = verify(nonce, new Quote(quote.attest(), quote.signature(), forged), log, golden);
        assertFalse(verdict.trusted());
        assertTrue(verdict.problems().stream().anyMatch(p -> p.contains("pcrDigest")), verdict.problems().toString());
    }

    @Test
    void reportedPcrsMustMatchTheSelection() {
        Map<Integer, byte[]> fewer = quote.pcrValues();
        fewer.remove(10);
        QuoteVerdict verdict = verify(nonce, new Quote(quote.attest(), quote.signature(), fewer), log, golden);
        assertFalse(verdict.trusted());
        assertTrue(verdict.problems().stream().anyMatch(p -> p.contains("selection")), verdict.problems().toString());
    }

    @Test
    void eventOnAnUnquotedPcrIsAProblem() {
        List<PlatformEvent> extra = new ArrayList<>(log);
        PlatformEvent stray = new PlatformEvent(12, "stray", TestTpms.sha256("x".getBytes()));
        extra.add(stray);
        ReferenceValues reference = ReferenceValues.builder().allow(stray).allow(log.get(0)).allow(log.get(1))
                .allow(log.get(2)).build();
        QuoteVerdict verdict = verify(nonce, quote, extra, reference);
        assertFalse(verdict.trusted());
        assertTrue(verdict.problems().get(0).contains("does not cover"), verdict.problems().toString());
    }

    @Test
    void quoteOmittingARequiredPcrIsRefused() {
        // the attack: leave the config PCR out of the quote and its events out of the log
        Quote partial = tpm.quote(nonce, FILES_PCR);
        List<PlatformEvent> filesOnly = log.stream().filter(event -> event.pcr() == FILES_PCR).toList();
        QuoteVerdict verdict = verifier.verify(tpm.attestationKey().publicArea(), nonce, partial, filesOnly, golden,
                Set.of(FILES_PCR, CONFIG_PCR));
        assertFalse(verdict.trusted());
        assertEquals(List.of("the quote does not cover required PCR(s) [" + CONFIG_PCR + "] (required [" + FILES_PCR + ", " + CONFIG_PCR
                + "], quoted [" + FILES_PCR + "])"), verdict.problems());
        // without a policy the reference values' own PCRs are required
        assertFalse(verifier.verify(tpm.attestationKey().publicArea(), nonce, partial, filesOnly, golden).trusted());
    }

    @Test
    void requiredPcrWithoutAnyMeasurementIsRefused() {
        // PCR 10 is quoted (reset value) but nothing was measured into it: a manager that skipped measuring itself
        QuoteVerdict verdict = verifier.verify(tpm.attestationKey().publicArea(), nonce, quote, log, golden, Set.of(FILES_PCR, CONFIG_PCR, 10));
        assertFalse(verdict.trusted());
        assertEquals(List.of("required PCR(s) [10] hold no measurement in the event log"), verdict.problems());
        assertTrue(verifier.verify(tpm.attestationKey().publicArea(), nonce, quote, log, golden, Set.of(FILES_PCR, CONFIG_PCR)).trusted());
    }

    @Test
    void anEmptyPolicyIsRefused() {
        QuoteVerdict verdict = verifier.verify(tpm.attestationKey().publicArea(), nonce, quote, log, golden, Set.of());
        assertFalse(verdict.trusted());
        assertTrue(verdict.problems().get(0).contains("requires no PCR"), verdict.problems().toString());
    }

    @Test
    void aMeasurementMatchesOnlyAValueOfItsOwnPcr() {
        // the attack: the agent's known-good digest, registered for PCR 8, extended into PCR 9 instead
        tpm.close();
        tpm = TestTpms.start(temp);
        PlatformMeasurer measurer = new PlatformMeasurer(tpm);
        measurer.measureFile(CONFIG_PCR, agent);
        measurer.measureFile(FILES_PCR, policy);
        measurer.measureBytes(CONFIG_PCR, "manager-config", "node=compute-1".getBytes());
        Quote moved = tpm.quote(nonce, QUOTED);
        QuoteVerdict verdict = verifier.verify(tpm.attestationKey().publicArea(), nonce, moved, measurer.eventLog(), golden,
                Set.of(FILES_PCR, CONFIG_PCR));
        assertFalse(verdict.trusted());
        assertEquals(1, verdict.problems().size(), verdict.problems().toString());
        assertTrue(verdict.problems().get(0).contains("on PCR " + CONFIG_PCR + " is not an allowed reference value for that PCR"),
                verdict.problems().toString());
    }

    @Test
    void quoteFromAnotherAkIsNotTrusted() {
        try (EmulatedPlatformTpm other = TestTpms.start(temp.resolve("other"))) {
            QuoteVerdict verdict = verifier.verify(other.attestationKey().publicArea(), nonce, quote, log, golden);
            assertFalse(verdict.trusted());
            assertTrue(verdict.problems().stream().anyMatch(p -> p.contains("signature")));
        }
    }

    @Test
    void nonRestrictedOrNonSigningAkIsRejected() {
        QuoteVerdict verdict = verifier.verify(tpm.endorsementKeyPublic(), nonce, quote, log, golden);
        assertFalse(verdict.trusted());
        assertTrue(verdict.problems().stream().anyMatch(p -> p.contains("restricted signing key")));
    }

    @Test
    void garbageIsNeverTrustedAndNeverThrows() {
        Random random = new Random(20240601);
        byte[] ak = tpm.attestationKey().publicArea();
        for (int i = 0; i < 500; i++) {
            byte[] garbageAttest = bytes(random, random.nextInt(200));
            byte[] garbageSignature = bytes(random, random.nextInt(120));
            Map<Integer, byte[]> garbagePcrs = new HashMap<>();
            for (int j = random.nextInt(4); j > 0; j--) {
                garbagePcrs.put(random.nextInt(30) - 3, bytes(random, random.nextInt(40)));
            }
            Quote garbage = new Quote(garbageAttest, garbageSignature, garbagePcrs);
            byte[] akArea = i % 2 == 0 ? ak : bytes(random, random.nextInt(150));
            QuoteVerdict verdict = verifier.verify(akArea, bytes(random, random.nextInt(40)), garbage, log, golden);
            assertFalse(verdict.trusted());
            assertFalse(verdict.problems().isEmpty());
        }
        // Garbage in one place only, the rest genuine.
        for (int i = 0; i < 200; i++) {
            byte[] attest = quote.attest();
            attest[random.nextInt(attest.length)] ^= (byte) (1 + random.nextInt(255)); // always a change
            byte[] signature = quote.signature();
            if (i % 2 == 0) {
                signature = bytes(random, signature.length);
            }
            QuoteVerdict verdict = verify(nonce, new Quote(attest, signature, quote.pcrValues()), log, golden);
            assertFalse(verdict.trusted());
        }
        assertFalse(verifier.verify(null, null, null, null, null).trusted());
        assertFalse(verifier.verify(ak, nonce, quote, null, golden).trusted());
        List<PlatformEvent> withNull = new ArrayList<>(log);
        withNull.add(null);
        assertFalse(verifier.verify(ak, nonce, quote, withNull, golden).trusted());
    }

    private static byte[] bytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
