package org.vtpcm.engine.hosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.manager.client.ManagerClient;
import org.vtpcm.manager.client.ManagerClientException;

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

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
