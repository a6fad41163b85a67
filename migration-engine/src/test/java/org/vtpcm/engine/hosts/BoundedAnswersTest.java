package org.vtpcm.engine.hosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.engine.attestation.AttestationResult;
import org.vtpcm.engine.attestation.AttestationState;
import org.vtpcm.engine.attestation.HostAttester;
import org.vtpcm.engine.attestation.ReferenceValueStore;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.engine.journal.EngineSchema;
import org.vtpcm.protocol.store.SqliteDatabase;
import org.vtpcm.nodeapi.ManagerClient;
import org.vtpcm.nodeapi.ManagerClientException;

/** A hostile manager cannot fill the engine's heap nor hold a call past its timeout, and a stalling host delays no other. */
class BoundedAnswersTest {
    @TempDir
    static Path folder;
    private static SlowManager manager;

    @BeforeAll
    static void start() throws Exception {
        manager = new SlowManager(folder);
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    private static ManagerClient client(Duration timeout) {
        return new ManagerClient(manager.uri(), manager.engineTls(), timeout, 1 << 20);
    }

    @Test
    void aSmallAnswerIsRead() {
        assertEquals("n1", client(Duration.ofSeconds(5)).send("GET", "/v1/node", null).path("node").asText());
    }

    @Test
    void anAnswerOverTheCapIsRefusedWhetherDeclaredOrStreamed() {
        for (String path : List.of("/v1/huge", "/v1/huge-chunked")) {
            ManagerClientException e = assertThrows(ManagerClientException.class, () -> client(Duration.ofSeconds(10)).send("GET", path,
                    null));
            assertEquals("ANSWER_TOO_LARGE", e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("exceeds 1048576 bytes"), e.getMessage());
        }
    }

    @Test
    void anAnswerThatTricklesIsCutOffAtTheTimeout() {
        long start = System.nanoTime();
        ManagerClientException e = assertThrows(ManagerClientException.class, () -> client(Duration.ofSeconds(1)).send("GET",
                "/v1/trickle", null));
        long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
        assertEquals(ManagerClient.TIMEOUT_CODE, e.code(), e.getMessage());
        assertEquals(0, e.status());
        assertTrue(seconds < 5, "cut off after " + seconds + " s");
    }

    @Test
    void aStallingHostDelaysNoOtherHost() {
        HostConfig slow = new HostConfig("slow", URI.create("https://127.0.0.1:1"), "qemu+tcp://127.0.0.1/system", 2, 64);
        HostConfig quick = new HostConfig("quick", URI.create("https://127.0.0.1:2"), "qemu+tcp://127.0.0.1/system", 2, 64);
        try (HostFanOut fanOut = new HostFanOut(Duration.ofSeconds(1))) {
            long start = System.nanoTime();
            Map<HostConfig, String> answers = fanOut.each(List.of(slow, quick), host -> {
                if (host == slow) {
                    sleep(Duration.ofSeconds(30));
                }
                return "answered";
            }, (host, problem) -> "failed: " + problem);
            long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            assertTrue(seconds < 5, "took " + seconds + " s");
            assertEquals("answered", answers.get(quick));
            assertTrue(answers.get(slow).startsWith("failed: no answer within 1 s"), answers.get(slow));
            assertEquals(List.of(slow, quick), List.copyOf(answers.keySet()), "in the hosts' order");
        }
    }

    @Test
    void aHostWhoseCallFailsGetsTheReason() {
        HostConfig broken = new HostConfig("broken", URI.create("https://127.0.0.1:1"), "qemu+tcp://127.0.0.1/system", 2, 64);
        try (HostFanOut fanOut = new HostFanOut(Duration.ofSeconds(1))) {
            Map<HostConfig, String> answers = fanOut.each(List.of(broken), host -> {
                throw new ManagerClientException(0, "UNREACHABLE", "cannot reach it");
            }, (host, problem) -> problem);
            assertEquals("cannot reach it", answers.get(broken));
        }
    }

    @Test
    void aHostStallingItsQuoteIsUntrustedWithAClearProblem() {
        HostConfig host = new HostConfig("n1", manager.uri(), "qemu+tcp://127.0.0.1/system", 2, 64);
        SqliteDatabase database = SqliteDatabase.open(folder.resolve("engine.db"), EngineSchema.VERSION, EngineSchema.DDL);
        try (NodeClients nodes = new NodeClients(List.of(host), manager.engineTls(), Duration.ofSeconds(60), Duration.ofSeconds(1))) {
            HostAttester attester = new HostAttester((name, nonce) -> nodes.attestationNode(name).quote(nonce), nodes.hosts(),
                    manager.ca(), new org.vtpcm.engine.attestation.EnrolledAks(new org.vtpcm.attestation.enrollment.EnrollmentAuthority(manager.ca(),
                    folder.resolve("ca")), database), new ReferenceValueStore(database, Clock.systemUTC()), Clock.systemUTC());
            long start = System.nanoTime();
            Map<HostConfig, AttestationResult> results = nodes.fanOut().each(nodes.hosts(), each -> attester.attest(each.name()),
                    (each, problem) -> null);
            long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            AttestationResult result = results.get(host);
            assertTrue(seconds < 5, "took " + seconds + " s");
            assertEquals(AttestationState.UNTRUSTED, result.state());
            assertTrue(result.summary().contains("attestation timed out"), result.summary());
            assertEquals(result, attester.last("n1"));
        } finally {
            database.close();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
