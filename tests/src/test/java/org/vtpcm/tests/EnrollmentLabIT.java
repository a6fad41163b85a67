package org.vtpcm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vtpcm.engine.cli.Terminal;
import org.vtpcm.engine.cli.VtpcmCli;
import org.vtpcm.lab.LabCa;
import org.vtpcm.lab.LabCloud;
import org.vtpcm.lab.LabConfig;
import org.vtpcm.lab.LabManager;
import org.vtpcm.lab.LabNotReadyException;
import org.vtpcm.manager.node.QemuMigrationTls;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.IssuedIdentity;
import org.vtpcm.protocol.pki.Pem;
import org.vtpcm.protocol.tls.MutualTls;

/**
 * Node enrollment through the engine in the lab: the operator issues a one-time token with the
 * {@code vtpcm} CLI, the node's real manager binary enrolls inside the node's namespaces over the
 * network (no client certificate; the engine pinned by the CA fingerprint the CLI printed; its own
 * keys generated on the node), the restarted manager is attested TRUSTED by the engine, and the
 * same token is refused a second time.
 */
class EnrollmentLabIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ENROLLMENT_PORT = 9441;
    private static LabCloud cloud;

    @BeforeAll
    static void startCloud() throws Exception {
        cloud = LabCloud.start(LabConfig.load(LabConfig.defaultLabDirectory()), "enrollment.port = " + ENROLLMENT_PORT);
    }

    @AfterAll
    static void stopCloud() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void aNodeEnrollsThroughTheEngineWithAOneTimeTokenAndIsAttested() throws Exception {
        LabManager manager = cloud.manager(2);
        String node = manager.node().name();
        Path tls = manager.stateDirectory().resolve("tls");
        X509Certificate before = Pem.readCertificate(tls.resolve("node.crt"));
        X509Certificate qemuBefore = QemuMigrationTls.read(manager.qemuTlsDirectory()).certificate();

        JsonNode issued = JSON.readTree(cli(0, "nodes", "token", node, "--ttl", "10m", "--json"));
        assertEquals(node, issued.path("node").asText());
        assertEquals("https://" + cloud.lab().controllerIp() + ":" + ENROLLMENT_PORT, issued.path("enrollmentUrl").asText());
        String token = issued.path("token").asText();
        URI endpoint = URI.create(issued.path("enrollmentUrl").asText());
        String fingerprint = issued.path("caFingerprint").asText();

        manager.stop();
        String output = manager.enrollThroughEngine(endpoint, token, fingerprint);
        assertTrue(output.contains("vtpcm-manager: node " + node + " enrolled"), output);

        IssuedIdentity identity = IssuedIdentity.readPem(tls, "node");
        assertNotEquals(before.getSerialNumber(), identity.certificate().getSerialNumber(), "a new TLS certificate");
        assertNotEquals(before.getPublicKey(), identity.certificate().getPublicKey(), "for a key generated on the node");
        CloudCa labCa = CloudCa.load(cloud.ca().directory());
        assertTrue(labCa.issued(identity.certificate()));
        assertTrue(labCa.issued(Pem.readCertificate(tls.resolve("ak.crt"))));
        IssuedIdentity qemu = QemuMigrationTls.read(manager.qemuTlsDirectory());
        assertNotEquals(qemuBefore.getSerialNumber(), qemu.certificate().getSerialNumber(), "QEMU's identity was renewed too");

        LabNotReadyException reused = assertThrows(LabNotReadyException.class, () -> manager.enrollThroughEngine(endpoint, token,
                fingerprint));
        assertTrue(reused.getMessage().contains("(403 TOKEN_USED)"), reused.getMessage());
        assertEquals(identity.certificate(), Pem.readCertificate(tls.resolve("node.crt")), "a refused enrollment writes nothing");

        JsonNode listed = find(JSON.readTree(cli(0, "nodes", "tokens", "--json")).path("tokens"), "id", issued.path("id").asText());
        assertEquals("USED", listed.path("state").asText(), listed.toString());
        assertEquals("RE_ENROLLED", listed.path("outcome").asText(), listed.toString());
        assertEquals(LabCa.OPERATOR, listed.path("createdBy").asText());
        assertFalse(listed.toString().contains(token));

        manager.start();
        JsonNode attested = cloud.engineClient().attest(node);
        assertEquals("TRUSTED", attested.path("attestation").path("state").asText(), attested.toString());
        JsonNode host = find(JSON.readTree(cli(0, "hosts", "--json")).path("hosts"), "name", node);
        assertEquals("TRUSTED", host.path("attestation").path("state").asText(), host.toString());
        assertTrue(host.path("reachable").asBoolean(), host.toString());

        String secret = token.substring(token.lastIndexOf('.') + 1);
        assertFalse(Files.readString(cloud.engine().logFile()).contains(secret), "the token is in no engine log line");
        assertFalse(Files.readString(manager.logFile()).contains(secret), "nor in the manager's log");

        // enrolling again (a node's renewal) revokes the identity the engine issued the first time
        JsonNode again = JSON.readTree(cli(0, "nodes", "token", node, "--ttl", "10m", "--json"));
        manager.stop();
        manager.enrollThroughEngine(endpoint, again.path("token").asText(), fingerprint);
        manager.start();
        assertNotEquals(identity.certificate().getSerialNumber(), IssuedIdentity.readPem(tls, "node").certificate().getSerialNumber());
        JsonNode certificates = JSON.readTree(cli(0, "certs", "list", "--node", node, "--json")).path("certificates");
        JsonNode first = find(certificates, "serial", identity.certificate().getSerialNumber().toString(16));
        assertEquals("REVOKED", first.path("state").asText(), first.toString());
        HttpClient old = HttpClient.newBuilder().sslContext(MutualTls.context(identity)).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest health = HttpRequest.newBuilder(cloud.engine().baseUri().resolve("/v1/health")).timeout(Duration.ofSeconds(10)).build();
        IOException refused = assertThrows(IOException.class, () -> old.send(health, HttpResponse.BodyHandlers.ofString()),
                "the engine refuses the node's revoked identity in the handshake");
        assertFalse(refused instanceof java.net.ConnectException, "refused, not unreachable: " + refused);
    }

    @Test
    void aTokenForAnotherNodeIsRefusedBeforeAnythingIsIssued() throws Exception {
        LabManager manager = cloud.manager(1);
        JsonNode issued = JSON.readTree(cli(0, "nodes", "token", cloud.lab().node(2).name(), "--json"));
        X509Certificate before = Pem.readCertificate(manager.stateDirectory().resolve("tls").resolve("node.crt"));
        manager.stop();
        try {
            LabNotReadyException refused = assertThrows(LabNotReadyException.class, () -> manager.enrollThroughEngine(
                    URI.create(issued.path("enrollmentUrl").asText()), issued.path("token").asText(), issued.path("caFingerprint").asText()));
            assertTrue(refused.getMessage().contains("(403 WRONG_NODE)"), refused.getMessage());
            assertEquals(before, Pem.readCertificate(manager.stateDirectory().resolve("tls").resolve("node.crt")));
        } finally {
            manager.start();
        }
        cli(0, "nodes", "revoke-token", issued.path("id").asText());
    }

    /** Runs the operator's {@code vtpcm} CLI against the lab engine; answers stdout, checks the exit code. */
    private static String cli(int expectedExit, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Terminal terminal = new Terminal(new PrintWriter(out, true), new PrintWriter(err, true), false, Duration.ofMillis(200));
        List<String> all = new ArrayList<>(List.of("--engine", cloud.engine().baseUri().toString(), "--tls-dir",
                cloud.ca().directory().resolve("clients").toString(), "--identity", LabCa.OPERATOR));
        all.addAll(List.of(args));
        int exit = VtpcmCli.commandLine(terminal).execute(all.toArray(String[]::new));
        assertEquals(expectedExit, exit, String.join(" ", args) + ": " + err);
        return out.toString();
    }

    private static JsonNode find(JsonNode items, String field, String value) {
        for (JsonNode item : items) {
            if (item.path(field).asText().equals(value)) {
                return item;
            }
        }
        throw new AssertionError("no item with " + field + " " + value + " in " + items);
    }
}
