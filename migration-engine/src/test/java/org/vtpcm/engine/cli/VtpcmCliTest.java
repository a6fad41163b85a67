package org.vtpcm.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vtpcm.engine.client.TestEngine;

/** The CLI end to end against a canned engine over real mutual TLS. */
class VtpcmCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DIGEST = "5f".repeat(32);

    @TempDir
    Path directory;

    private TestEngine engine;

    record Run(int exit, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
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
        return runAt(engine.uri().toString(), args);
    }

    private Run runAt(String url, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Terminal terminal = new Terminal(new PrintWriter(out, true), new PrintWriter(err, true), false, Duration.ofMillis(5));
        List<String> all = new ArrayList<>(List.of("--engine", url, "--tls-dir", engine.clientTlsDirectory().toString()));
        all.addAll(List.of(args));
        int exit = VtpcmCli.commandLine(terminal).execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private static String view(String phase, String outcome, String more) {
        return "{\"id\":\"m1\",\"vmUuid\":\"0b5c\",\"vmName\":\"guest\",\"vtpcmId\":\"v1\",\"source\":\"n1\",\"destination\":"
                + ("REQUESTED".equals(phase) ? "null" : "\"n2\"") + ",\"phase\":\"" + phase + "\",\"outcome\":"
                + (outcome == null ? "null" : "\"" + outcome + "\"") + (more.isEmpty() ? "" : "," + more) + "}";
    }

    private static final String PROGRESS = "\"progress\":{\"dataTotal\":268435456,\"dataProcessed\":100000000,"
            + "\"dataRemaining\":168435456,\"bytesPerSecond\":90000000,\"etaSeconds\":2}";
    private static final String PHASES = "\"phases\":[{\"phase\":\"REQUESTED\",\"millis\":1},{\"phase\":\"TARGET_SELECTED\",\"millis\":12},"
            + "{\"phase\":\"VM_MIGRATING\",\"millis\":3100}]";

    private void cannedMigration(String finalView) {
        engine.answer("POST", "/v1/migrations", 202, view("REQUESTED", null, ""))
                .answer("GET", "/v1/migrations/m1", 200, view("DEST_ATTESTED", null, ""))
                .answer("GET", "/v1/migrations/m1", 200, view("VM_MIGRATING", null, PROGRESS))
                .answer("GET", "/v1/migrations/m1", 200, view("VM_MIGRATING", null, PROGRESS))
                .answer("GET", "/v1/migrations/m1", 200, finalView);
    }

    private static String committed() {
        return view("COMMITTED", "COMMITTED", PHASES + ",\"digestLeft\":\"" + DIGEST + "\",\"digestArrived\":\"" + DIGEST
                + "\",\"epoch\":3,\"downtimeMs\":210,\"totalMs\":3500,\"progress\":null,\"reason\":null");
    }

    @Test
    void migrateWaitFollowsToCommitAndPrintsTheSummary() throws IOException {
        cannedMigration(committed());
        Run run = run("migrate", "guest", "--to", "n2", "--parallel", "4", "--compress", "--no-tls", "--no-verify-before-resume",
                "--bandwidth", "200", "--wait");
        assertEquals(0, run.exit(), run.err());
        assertEquals(JSON.readTree("{\"vm\":\"guest\",\"to\":\"n2\",\"parallel\":4,\"compress\":true,\"tls\":false,"
                + "\"verifyBeforeResume\":false,\"bandwidthMiBs\":200}"),
                JSON.readTree(engine.requests().get(0).body()));
        assertTrue(run.out().contains("outcome         COMMITTED\n"), run.out());
        assertTrue(run.out().contains("route           n1 -> n2\n"), run.out());
        assertTrue(run.out().contains("  TARGET_SELECTED      12 ms\n"), run.out());
        assertTrue(run.out().contains("total           3500 ms\n"), run.out());
        assertTrue(run.out().contains("downtime        210 ms\n"), run.out());
        assertTrue(run.out().contains("digest left     " + DIGEST + "\n"), run.out());
        assertTrue(run.out().contains("digests equal   yes\n"), run.out());
        assertTrue(run.out().contains("epoch           3\n"), run.out());
        assertFalse(run.out().contains("reason"), run.out());
        // not a terminal: one progress line per phase, the memory copy with its numbers
        List<String> progress = run.errLines();
        assertEquals(List.of("REQUESTED", "DEST_ATTESTED", "VM_MIGRATING", "COMMITTED"), progress.stream().map(line -> line.split(" ")[0]).toList());
        assertTrue(progress.get(2).contains("95.4 MiB / 256.0 MiB (37%)  85.8 MiB/s  ETA 2s  elapsed "), progress.get(2));
    }

    @Test
    void migrateWaitEndingRolledBackExitsOneWithTheReason() {
        cannedMigration(view("ROLLED_BACK", "ROLLED_BACK", PHASES + ",\"reason\":\"destination n2 not attested: PCR 0 mismatch\","
                + "\"digestLeft\":\"" + DIGEST + "\",\"digestArrived\":null,\"epoch\":2"));
        Run run = run("migrate", "guest", "--wait");
        assertEquals(1, run.exit(), run.err());
        assertTrue(run.out().contains("outcome         ROLLED_BACK\n"), run.out());
        assertTrue(run.out().contains("reason          destination n2 not attested: PCR 0 mismatch\n"), run.out());
        assertTrue(run.out().contains("digests equal   -\n"), run.out());
        assertFalse(run.err().contains("error"), run.err());
    }

    @Test
    void migrateWaitJsonPrintsTheFinalViewOnly() throws IOException {
        cannedMigration(committed());
        Run run = run("migrate", "guest", "--wait", "--json");
        assertEquals(0, run.exit(), run.err());
        JsonNode view = JSON.readTree(run.out());
        assertEquals("COMMITTED", view.path("outcome").asText());
        assertEquals(3, view.path("epoch").asInt());
    }

    @Test
    void migrateWithoutWaitSaysWhatStarted() {
        engine.answer("POST", "/v1/migrations", 202, view("REQUESTED", null, ""));
        Run run = run("migrate", "guest");
        assertEquals(0, run.exit(), run.err());
        assertEquals("migration m1 started: guest n1 -> - (phase REQUESTED)\n", run.out());
        assertEquals(1, engine.requests().size(), "no polling without --wait");
    }

    @Test
    void aPollThatFailsOnceIsRetried() {
        engine.answer("POST", "/v1/migrations", 202, view("REQUESTED", null, ""))
                .error("GET", "/v1/migrations/m1", 503, "UNREACHABLE", "engine restarting")
                .answer("GET", "/v1/migrations/m1", 200, committed());
        assertEquals(0, run("migrate", "guest", "--wait").exit());
    }

    @Test
    void aPollThatKeepsFailingEndsTheWaitNotTheMigration() {
        engine.answer("POST", "/v1/migrations", 202, view("REQUESTED", null, ""))
                .error("GET", "/v1/migrations/m1", 404, "NOT_FOUND", "no migration m1");
        Run run = run("migrate", "guest", "--wait");
        assertEquals(3, run.exit());
        assertTrue(run.err().endsWith("vtpcm: error: no migration m1; the migration goes on without us: vtpcm migrations show m1 (404 NOT_FOUND)\n"),
                run.err());
    }

    @ParameterizedTest
    @CsvSource({"400, BAD_REQUEST, 2", "401, FORBIDDEN, 6", "403, FORBIDDEN, 6", "404, NOT_FOUND, 3", "409, PAST_SWITCHOVER, 4",
        "413, TOO_LARGE, 2", "500, INTERNAL, 5", "503, UNREACHABLE, 5"})
    void eachErrorStatusHasItsExitCodeAndOneLine(int status, String code, int exit) {
        engine.error("POST", "/v1/migrations/m9/abort", status, code, "it went wrong");
        Run run = run("migrations", "abort", "m9");
        assertEquals(exit, run.exit());
        assertEquals("vtpcm: error: it went wrong (" + status + " " + code + ")\n", run.err());
        assertEquals("", run.out());
    }

    @Test
    void anUnreachableEngineExitsFive() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Run run = runAt("https://127.0.0.1:" + port, "hosts");
        assertEquals(5, run.exit());
        assertEquals(1, run.errLines().size(), run.err());
        assertTrue(run.err().startsWith("vtpcm: error: cannot reach the engine at https://127.0.0.1:" + port + ": "), run.err());
    }

    @Test
    void badUsageExitsTwoWithOneLineAndCallsNothing() {
        for (String[] args : List.of(new String[] {"migrate"}, new String[] {"frobnicate"}, new String[] {"migrate", "guest", "--strategy", "sideways"},
                new String[] {"migrate", "guest", "--strategy", "explicit"}, new String[] {"migrate", "guest", "--to", "n2", "--strategy", "least-loaded"},
                new String[] {"migrate", "guest", "--parallel", "17"}, new String[] {"migrate", "guest", "--bandwidth", "0"},
                new String[] {"migrations", "list", "--all", "--active"},
                new String[] {"migrations", "list", "--limit", "x"}, new String[] {"refs", "add", "--pcr", "12"}, new String[] {"migrations"})) {
            Run run = run(args);
            assertEquals(2, run.exit(), String.join(" ", args) + ": " + run.err());
            assertEquals(1, run.errLines().size(), run.err());
            assertTrue(run.err().startsWith("vtpcm: error: "), run.err());
        }
        assertTrue(engine.requests().isEmpty());
    }

    @Test
    void anUnreadableIdentityIsUsage() {
        Run run = runAt(engine.uri().toString(), "--identity", "nobody", "hosts");
        assertEquals(2, run.exit());
        assertTrue(run.err().startsWith("vtpcm: error: cannot read the TLS identity 'nobody' in "), run.err());
        assertEquals(1, run.errLines().size(), run.err());
    }

    @Test
    void helpListsTheExitCodes() {
        for (String[] args : List.of(new String[] {"--help"}, new String[] {"migrate", "--help"})) {
            Run run = run(args);
            assertEquals(0, run.exit());
            assertTrue(run.out().contains("Exit codes:"), run.out());
            assertTrue(run.out().contains("the migration ended ROLLED_BACK or FAILED"), run.out());
            assertTrue(run.out().contains("not allowed (401/403)"), run.out());
        }
    }

    @Test
    void migrationsListIsATable() {
        engine.answer("GET", "/v1/migrations?state=active&limit=10", 200, "{\"migrations\":[" + view("VM_MIGRATING", null, PROGRESS
                + ",\"createdAt\":\"2026-11-28T10:00:00Z\"") + "]}");
        Run run = run("migrations", "list", "--active", "--limit", "10");
        assertEquals(0, run.exit(), run.err());
        assertEquals("""
                ID  VM     SOURCE  DESTINATION  PHASE         OUTCOME  CREATED               TOTAL
                m1  guest  n1      n2           VM_MIGRATING  running  2026-11-28T10:00:00Z  -
                """, run.out());
    }

    @Test
    void migrationsShowOfARunningMigrationShowsItsProgress() {
        engine.answer("GET", "/v1/migrations/m1", 200, view("VM_MIGRATING", null, PROGRESS + "," + PHASES));
        Run run = run("migrations", "show", "m1");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("outcome         running (phase VM_MIGRATING)\n"), run.out());
        assertTrue(run.out().contains("progress        95.4 MiB / 256.0 MiB (37%)  85.8 MiB/s  ETA 2s\n"), run.out());
    }

    @Test
    void theReceiptIsShownWithItsSignature() {
        engine.answer("GET", "/v1/migrations/m1/receipt", 200, "{\"receipt\":{\"migrationId\":\"m1\",\"vmUuid\":\"0b5c\",\"vtpcmId\":\"v1\","
                + "\"source\":\"n1\",\"destination\":\"n2\",\"digestLeft\":\"aa\",\"digestArrived\":\"aa\",\"epoch\":3,"
                + "\"phases\":{\"REQUESTED\":1,\"VERIFIED\":40},\"totalMs\":3500,\"downtimeMs\":210,\"committedAt\":\"2026-11-28T10:00:04Z\"},"
                + "\"suite\":\"sm\",\"signature\":\"3045\",\"signingKey\":\"04ab\"}");
        Run run = run("migrations", "receipt", "m1");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("route           n1 -> n2\n"), run.out());
        assertTrue(run.out().contains("signature       3045\n"), run.out());
        assertTrue(run.out().contains("  VERIFIED             40 ms\n"), run.out());
    }

    @Test
    void hostsIsATableWithOrWithoutList() {
        engine.answer("GET", "/v1/hosts", 200, "{\"hosts\":["
                + "{\"name\":\"n1\",\"reachable\":true,\"attestation\":{\"state\":\"TRUSTED\",\"problems\":[]},"
                + "\"load\":{\"vtpcms\":1,\"activeMigrations\":0,\"maxMigrations\":2}},"
                + "{\"name\":\"n3\",\"reachable\":false,\"attestation\":{\"state\":\"UNTRUSTED\",\"problems\":[\"PCR 0 mismatch\",\"stale quote\"]},"
                + "\"load\":{\"vtpcms\":0,\"activeMigrations\":0,\"maxMigrations\":2}}]}");
        String expected = """
                NAME  ATTESTATION  PROBLEMS                     VTPCMS  MIGRATIONS  REACHABLE
                n1    TRUSTED      -                            1       0/2         yes
                n3    UNTRUSTED    PCR 0 mismatch; stale quote  0       0/2         NO
                """;
        assertEquals(expected, run("hosts").out());
        assertEquals(expected, run("hosts", "list").out());
    }

    @Test
    void trustSaysHowManyValuesWereAdded() {
        engine.answer("POST", "/v1/hosts/n1/trust", 200, "{\"added\":3,\"host\":{\"name\":\"n1\",\"reachable\":true,"
                + "\"attestation\":{\"state\":\"TRUSTED\",\"checkedAt\":\"2026-11-28T10:00:00Z\",\"problems\":[]}}}");
        Run run = run("hosts", "trust", "n1");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().startsWith("added 3 reference values from n1\nhost         n1\n"), run.out());
        assertTrue(run.out().contains("attestation  TRUSTED (checked 2026-11-28T10:00:00Z)\n"), run.out());
    }

    @Test
    void referenceValuesAreListedAddedAndRemoved() throws IOException {
        engine.answer("GET", "/v1/reference-values", 200, "{\"referenceValues\":[{\"id\":1,\"pcr\":0,\"description\":\"firmware\","
                        + "\"digest\":\"ab\",\"label\":null,\"addedAt\":\"2026-11-28T09:00:00Z\",\"scope\":\"global\"}]}")
                .answer("POST", "/v1/reference-values", 201, "{\"id\":7,\"pcr\":12,\"digest\":\"" + DIGEST + "\",\"scope\":\"global\"}")
                .answer("POST", "/v1/reference-values", 201, "{\"id\":8,\"pcr\":13,\"digest\":\"" + DIGEST + "\",\"scope\":\"host:n1\"}")
                .answer("DELETE", "/v1/reference-values/7", 204, "");
        assertEquals("""
                ID  PCR  SCOPE   DIGEST  LABEL  ADDED                 DESCRIPTION
                1   0    global  ab      -      2026-11-28T09:00:00Z  firmware
                """, run("refs", "list").out());
        Run added = run("refs", "add", "--pcr", "12", "--description", "grub config", "--digest", DIGEST, "--label", "bookworm");
        assertEquals("added reference value 7 (PCR 12, " + DIGEST + ")\n", added.out());
        assertEquals(JSON.readTree("{\"pcr\":12,\"description\":\"grub config\",\"digest\":\"" + DIGEST + "\",\"label\":\"bookworm\"}"),
                JSON.readTree(engine.requests().get(1).body()));
        Run scoped = run("refs", "add", "--pcr", "13", "--description", "qemu", "--digest", DIGEST, "--scope", "host:n1");
        assertEquals("added reference value 8 (PCR 13, " + DIGEST + ") for host:n1\n", scoped.out());
        assertEquals("host:n1", JSON.readTree(engine.requests().get(2).body()).path("scope").asText());
        Run removed = run("refs", "remove", "7");
        assertEquals(0, removed.exit(), removed.err());
        assertEquals("removed reference value 7\n", removed.out());
    }

    @Test
    void vtpcmListWarnsAboutNodesThatDidNotAnswer() {
        engine.answer("GET", "/v1/vtpcms", 200, "{\"vtpcms\":[{\"host\":\"n1\",\"vtpcmId\":\"v1\",\"vmUuid\":\"0b5c\",\"vmName\":\"guest\","
                + "\"state\":\"RUNNING\",\"epoch\":2,\"policy\":\"deny\"}],\"unreachable\":[\"n3\"]}")
                .answer("GET", "/v1/vtpcms/guest", 200, "{\"host\":\"n1\",\"vtpcmId\":\"v1\",\"vmUuid\":\"0b5c\",\"vmName\":\"guest\","
                + "\"state\":\"RUNNING\",\"epoch\":2,\"policy\":\"deny\"}");
        Run run = run("vtpcm", "list");
        assertEquals(0, run.exit(), run.err());
        assertEquals("""
                HOST  VM     VM UUID  VTPCM  STATE    EPOCH  POLICY
                n1    guest  0b5c     v1     RUNNING  2      deny
                """, run.out());
        assertEquals("vtpcm: warning: not listed, their managers did not answer: n3\n", run.err());
        Run show = run("vtpcm", "show", "guest");
        assertTrue(show.out().contains("host      n1\n"), show.out());
        assertTrue(show.out().contains("epoch     2\n"), show.out());
    }

    @Test
    void jsonWorksBeforeOrAfterTheCommand() throws IOException {
        engine.answer("GET", "/v1/hosts", 200, "{\"hosts\":[]}");
        assertEquals(JSON.readTree("{\"hosts\":[]}"), JSON.readTree(run("--json", "hosts").out()));
        assertEquals(JSON.readTree("{\"hosts\":[]}"), JSON.readTree(run("hosts", "list", "--json").out()));
    }
}
