package org.vtpcm.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.engine.client.TestEngine;

/** {@code vtpcm nodes ...} against a canned engine over real mutual TLS. */
class NodesCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "vtpcm1.0a1b2c3d4e5f." + "S".repeat(43);
    private static final String FINGERPRINT = "sha256:" + "ab".repeat(32);
    private static final String ISSUED = "{\"id\":\"0a1b2c3d4e5f\",\"node\":\"vtpcm-n1\",\"token\":\"" + TOKEN + "\","
            + "\"createdAt\":\"2026-03-01T10:00:00Z\",\"expiresAt\":\"2026-03-01T10:15:00Z\","
            + "\"enrollmentUrl\":\"https://10.200.0.254:9441\",\"caFingerprint\":\"" + FINGERPRINT + "\"}";

    @TempDir
    Path directory;
    private TestEngine engine;

    record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void start() throws IOException {
        engine = TestEngine.start(directory);
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Terminal terminal = new Terminal(new PrintWriter(out, true), new PrintWriter(err, true), false, Duration.ofMillis(5));
        List<String> all = new ArrayList<>(List.of("--engine", engine.uri().toString(), "--tls-dir", engine.clientTlsDirectory().toString()));
        all.addAll(List.of(args));
        int exit = VtpcmCli.commandLine(terminal).execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void aTokenIsIssuedWithItsLifetimeAndShownOnceWithTheNodesCommand() throws IOException {
        engine.answer("POST", "/v1/enrollment-tokens", 201, ISSUED);
        Run run = run("nodes", "token", "vtpcm-n1", "--ttl", "1h30m");
        assertEquals(0, run.exit(), run.err());
        assertEquals(JSON.readTree("{\"node\":\"vtpcm-n1\",\"ttlSeconds\":5400}"), JSON.readTree(engine.requests().get(0).body()));
        assertTrue(run.out().startsWith("enrollment token 0a1b2c3d4e5f for node vtpcm-n1, valid until 2026-03-01T10:15:00Z"), run.out());
        assertTrue(run.out().contains("\n  " + TOKEN + "\n"), run.out());
        assertTrue(run.out().contains("vtpcm-manager enroll --config /etc/vtpcm/manager.conf --engine https://10.200.0.254:9441 --token "
                + TOKEN + " --ca-fingerprint " + FINGERPRINT + "\n"), run.out());
        assertEquals("", run.err());
    }

    @Test
    void theDefaultLifetimeIsFifteenMinutesAndJsonIsTheEnginesAnswer() throws IOException {
        engine.answer("POST", "/v1/enrollment-tokens", 201, ISSUED);
        Run run = run("nodes", "token", "vtpcm-n1", "--json");
        assertEquals(0, run.exit(), run.err());
        assertEquals(900, JSON.readTree(engine.requests().get(0).body()).path("ttlSeconds").asInt());
        assertEquals(JSON.readTree(ISSUED), JSON.readTree(run.out()));
    }

    @Test
    void aBadLifetimeIsUsageAndCallsNothing() {
        for (String ttl : List.of("soon", "15x", "", "m", "-5")) {
            Run run = run("nodes", "token", "vtpcm-n1", "--ttl", ttl);
            assertEquals(2, run.exit(), ttl + ": " + run.err());
            assertTrue(run.err().startsWith("vtpcm: error: "), run.err());
            assertEquals(1, run.err().lines().count(), run.err());
        }
        Run missing = run("nodes", "token");
        assertEquals(2, missing.exit());
        assertTrue(engine.requests().isEmpty());
    }

    @Test
    void theEnginesRefusalsHaveTheirExitCodes() {
        engine.error("POST", "/v1/enrollment-tokens", 404, "NOT_FOUND", "no host named 'n9' in the engine's hosts")
                .error("POST", "/v1/enrollment-tokens", 409, "ENROLLMENT_DISABLED", "node enrollment is disabled")
                .error("POST", "/v1/enrollment-tokens", 400, "BAD_REQUEST", "ttlSeconds must be 60..86400");
        Run unknown = run("nodes", "token", "n9");
        assertEquals(3, unknown.exit());
        assertEquals("vtpcm: error: no host named 'n9' in the engine's hosts (404 NOT_FOUND)\n", unknown.err());
        Run disabled = run("nodes", "token", "vtpcm-n1");
        assertEquals(4, disabled.exit());
        assertTrue(disabled.err().contains("(409 ENROLLMENT_DISABLED)"), disabled.err());
        assertEquals(2, run("nodes", "token", "vtpcm-n1", "--ttl", "30s").exit());
        assertEquals("", run("nodes", "token", "vtpcm-n1", "--ttl", "30s").out());
    }

    @Test
    void tokensAreListedWithoutSecretsAndRevokedById() {
        engine.answer("GET", "/v1/enrollment-tokens", 200, "{\"tokens\":[{\"id\":\"0a1b2c3d4e5f\",\"node\":\"vtpcm-n1\",\"state\":\"USED\","
                + "\"outcome\":\"ENROLLED\",\"expiresAt\":\"2026-03-01T10:15:00Z\",\"createdBy\":\"operator\","
                + "\"usedAt\":\"2026-03-01T10:02:00Z\"},{\"id\":\"ffeeddccbbaa\",\"node\":\"vtpcm-n2\",\"state\":\"ACTIVE\","
                + "\"outcome\":null,\"expiresAt\":\"2026-03-01T11:00:00Z\",\"createdBy\":\"operator\",\"usedAt\":null}]}")
                .answer("DELETE", "/v1/enrollment-tokens/ffeeddccbbaa", 204, "")
                .error("DELETE", "/v1/enrollment-tokens/0a1b2c3d4e5f", 409, "TOKEN_USED", "enrollment token 0a1b2c3d4e5f was used already");
        assertEquals("""
                ID            NODE      STATE   OUTCOME   EXPIRES               CREATED BY  USED
                0a1b2c3d4e5f  vtpcm-n1  USED    ENROLLED  2026-03-01T10:15:00Z  operator    2026-03-01T10:02:00Z
                ffeeddccbbaa  vtpcm-n2  ACTIVE  -         2026-03-01T11:00:00Z  operator    -
                """, run("nodes", "tokens").out());
        Run revoked = run("nodes", "revoke-token", "ffeeddccbbaa");
        assertEquals(0, revoked.exit(), revoked.err());
        assertEquals("revoked enrollment token ffeeddccbbaa\n", revoked.out());
        Run used = run("nodes", "revoke-token", "0a1b2c3d4e5f");
        assertEquals(4, used.exit());
        Run bad = run("nodes", "revoke-token", "../x");
        assertEquals(2, bad.exit());
        assertFalse(engine.requests().stream().anyMatch(request -> request.path().contains("..")));
    }

    @Test
    void durationsAreParsed() {
        assertEquals(900, NodesCommand.seconds("15m"));
        assertEquals(900, NodesCommand.seconds("900"));
        assertEquals(5400, NodesCommand.seconds("1h30m"));
        assertEquals(86400, NodesCommand.seconds("24h"));
        assertEquals(90, NodesCommand.seconds("90s"));
        assertEquals(3723, NodesCommand.seconds("1h2m3s"));
        assertThrows(UsageException.class, () -> NodesCommand.seconds("1d"));
        assertThrows(UsageException.class, () -> NodesCommand.seconds("m15"));
    }
}
