package org.vtpcm.engine.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Guice;
import com.google.inject.Injector;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.ServerSocket;
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
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.engine.EngineDaemon;
import org.vtpcm.engine.EngineModule;
import org.vtpcm.engine.certificates.CertificateRegistry;
import org.vtpcm.engine.cli.Terminal;
import org.vtpcm.engine.cli.VtpcmCli;
import org.vtpcm.engine.client.EngineClient;
import org.vtpcm.engine.client.EngineClientException;
import org.vtpcm.engine.config.EngineConfig;
import org.vtpcm.attestation.enrollment.EnrollmentAuthority;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.IssuedIdentity;
import org.vtpcm.protocol.pki.Pem;
import org.vtpcm.protocol.pki.Role;
import org.vtpcm.protocol.tls.MutualTls;
import org.vtpcm.protocol.tls.RevocationList;

/**
 * Revocation through the real engine over mutual TLS: identities issued with {@code issue-client}
 * while the engine runs, revoked by an operator (API and CLI), refused on their next handshake;
 * a node's identities revoked by an operator or by taking it out of {@code hosts}.
 */
class RevocationApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;
    private final List<EngineDaemon> daemons = new ArrayList<>();
    private Injector injector;
    private URI base;
    private CloudCa ca;

    @AfterEach
    void stop() {
        daemons.forEach(EngineDaemon::close);
    }

    @Test
    void aRevokedOperatorIsRefusedOnItsNextHandshakeAndTheListSaysSo() throws Exception {
        start("n1,n2");
        EngineClient admin = client(issueClient("admin"));
        IssuedIdentity aliceIdentity = issueClient("alice");
        EngineClient alice = client(aliceIdentity);
        String serial = aliceIdentity.certificate().getSerialNumber().toString(16);
        JsonNode listed = record(admin, serial);
        assertEquals("operator", listed.path("role").asText());
        assertEquals("VALID", listed.path("state").asText());
        assertEquals(90, Duration.between(aliceIdentity.certificate().getNotBefore().toInstant(), aliceIdentity.certificate()
                .getNotAfter().toInstant()).toDays());
        assertEquals("ok", alice.send("GET", "/v1/health", null).path("status").asText());

        JsonNode revoked = admin.send("POST", "/v1/certificates/" + serial + "/revoke", JSON.createObjectNode().put("reason", "laptop lost"));
        assertEquals("REVOKED", revoked.path("certificate").path("state").asText());
        assertEquals("admin", revoked.path("certificate").path("revokedBy").asText());
        // the attack: alice's certificate on a new connection, and on the connection she kept open
        EngineClientException handshake = assertThrows(EngineClientException.class, () -> client(aliceIdentity).send("GET",
                "/v1/health", null));
        assertEquals(EngineClientException.NO_ANSWER, handshake.status(), handshake.getMessage());
        EngineClientException kept = assertThrows(EngineClientException.class, () -> alice.send("GET", "/v1/certificates", null));
        assertTrue(kept.status() == EngineClientException.NO_ANSWER || kept.status() == 403 && "REVOKED".equals(kept.code()),
                kept.status() + " " + kept.code());

        // operators fetch the list (DER) as every manager gets it
        HttpClient http = HttpClient.newBuilder().sslContext(MutualTls.context(issueClient("reader"))).build();
        HttpResponse<byte[]> list = http.send(HttpRequest.newBuilder(base.resolve("/v1/revocations")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, list.statusCode());
        assertEquals(CertificateResource.CRL_MEDIA_TYPE, list.headers().firstValue("Content-Type").orElse(""));
        RevocationList manager = RevocationList.inMemory(ca.certificate());
        manager.install(list.body());
        assertTrue(manager.isRevoked(aliceIdentity.certificate()));
        assertEquals(revoked.path("crlNumber").asText(), manager.number().toString());

        assertError(409, "ALREADY_REVOKED", () -> admin.send("POST", "/v1/certificates/" + serial + "/revoke", JSON.createObjectNode()
                .put("reason", "again")));
        assertError(404, "NOT_FOUND", () -> admin.send("POST", "/v1/certificates/abcdef/revoke", JSON.createObjectNode()
                .put("reason", "x")));
        assertError(400, "BAD_REQUEST", () -> admin.send("POST", "/v1/certificates/xyz/revoke", JSON.createObjectNode().put("reason", "x")));
        assertError(400, "BAD_REQUEST", () -> admin.send("POST", "/v1/certificates/abcdef/revoke", JSON.createObjectNode()));
        assertError(400, "BAD_REQUEST", () -> admin.send("GET", "/v1/certificates?node=../x", null));
    }

    @Test
    void theEnginesOwnIdentityIsRecordedAndKeptAcrossRestarts() throws Exception {
        start("n1");
        EngineClient admin = client(issueClient("admin"));
        X509Certificate engine = Pem.readCertificate(folder.resolve("state").resolve("tls").resolve("vtpcm-engine.crt"));
        JsonNode record = record(admin, engine.getSerialNumber().toString(16));
        assertEquals("engine", record.path("role").asText());
        assertEquals(90, Duration.between(engine.getNotBefore().toInstant(), engine.getNotAfter().toInstant()).toDays());
        daemons.remove(0).close();
        start("n1");
        assertEquals(engine, Pem.readCertificate(folder.resolve("state").resolve("tls").resolve("vtpcm-engine.crt")));
    }

    @Test
    void anOperatorRevokesANodeAndANodeTakenOutOfHostsLosesItsIdentities() throws Exception {
        start("n1,n2");
        EngineClient admin = client(issueClient("admin"));
        CertificateRegistry registry = injector.getInstance(CertificateRegistry.class);
        IssuedIdentity n1 = enrolled(registry, "n1");
        IssuedIdentity n2 = enrolled(registry, "n2");
        assertEquals("ok", client(n1).send("GET", "/v1/health", null).path("status").asText());
        assertEquals("ok", client(n2).send("GET", "/v1/health", null).path("status").asText());

        JsonNode answer = admin.send("POST", "/v1/hosts/n2/revoke", JSON.createObjectNode().put("reason", "decommissioned"));
        assertEquals(3, answer.path("revoked").size(), answer.toString());
        assertThrows(EngineClientException.class, () -> client(n2).send("GET", "/v1/health", null));
        assertEquals(0, admin.send("POST", "/v1/hosts/n2/revoke", null).path("revoked").size(), "nothing left to revoke");
        assertError(404, "NOT_FOUND", () -> admin.send("POST", "/v1/hosts/n9/revoke", null));
        assertError(400, "BAD_REQUEST", () -> admin.send("POST", "/v1/hosts/n1/revoke", JSON.createObjectNode().put("reason", "")));

        // the operator takes n1 out of hosts and restarts the engine: n1's identities go
        daemons.remove(0).close();
        start("n2");
        EngineClientException refused = assertThrows(EngineClientException.class, () -> client(n1).send("GET", "/v1/health", null));
        assertEquals(EngineClientException.NO_ANSWER, refused.status(), refused.getMessage());
        JsonNode record = record(client(issueClient("admin2")), n1.certificate().getSerialNumber().toString(16));
        assertTrue(record.path("revocationReason").asText().contains("removed from the engine's hosts"), record.toString());
    }

    @Test
    void theCliListsAndRevokesCertificatesAndNodes() throws Exception {
        start("n1");
        issueClient("admin");
        IssuedIdentity bob = issueClient("bob");
        String serial = bob.certificate().getSerialNumber().toString(16);
        Run list = cli("certs", "list");
        assertEquals(0, list.exit(), list.err());
        assertTrue(list.out().contains(serial) && list.out().contains("operator") && list.out().contains("engine"), list.out());

        Run missingReason = cli("certs", "revoke", serial);
        assertEquals(2, missingReason.exit());
        assertTrue(missingReason.err().contains("--reason"), missingReason.err());
        Run badSerial = cli("certs", "revoke", "not-hex", "--reason", "x");
        assertEquals(2, badSerial.exit());
        assertTrue(badSerial.err().startsWith("vtpcm: error: a serial is"), badSerial.err());
        Run unknown = cli("certs", "revoke", "abcdef", "--reason", "x");
        assertEquals(3, unknown.exit(), unknown.err());

        Run revoke = cli("certs", "revoke", serial.toUpperCase(), "--reason", "left the team");
        assertEquals(0, revoke.exit(), revoke.err());
        assertTrue(revoke.out().startsWith("revoked certificate " + serial + " (operator 'bob')"), revoke.out());
        Run again = cli("certs", "revoke", serial, "--reason", "again");
        assertEquals(4, again.exit(), again.err());
        Run valid = cli("certs", "list", "--valid");
        assertFalse(valid.out().contains(serial), valid.out());

        CertificateRegistry registry = injector.getInstance(CertificateRegistry.class);
        IssuedIdentity n1 = enrolled(registry, "n1");
        Run node = cli("nodes", "revoke", "n1", "--reason", "disk replaced");
        assertEquals(0, node.exit(), node.err());
        assertTrue(node.out().startsWith("revoked 3 certificate(s) of node n1"), node.out());
        assertTrue(registry.isRevoked(n1.certificate()));
        assertEquals(2, cli("nodes", "revoke", "../n1").exit());
        Run crl = cli("certs", "crl");
        assertEquals(0, crl.exit(), crl.err());
        assertTrue(crl.out().startsWith("revocation list "), crl.out());
    }

    // helpers

    private record Run(int exit, String out, String err) {
    }

    private Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Terminal terminal = new Terminal(new PrintWriter(out, true), new PrintWriter(err, true), false, Duration.ofMillis(5));
        List<String> all = new ArrayList<>(List.of("--engine", base.toString(), "--tls-dir", folder.resolve("clients").toString(),
                "--identity", "admin"));
        all.addAll(List.of(args));
        int exit = VtpcmCli.commandLine(terminal).execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private void start(String hosts) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Properties properties = new Properties();
        properties.setProperty("api.address", "127.0.0.1");
        properties.setProperty("api.port", String.valueOf(port));
        properties.setProperty("state.dir", folder.resolve("state").toString());
        properties.setProperty("hosts", hosts);
        int next = 2;
        for (String host : hosts.split(",")) {
            properties.setProperty("host." + host + ".manager", "https://127.0.0." + next++ + ":1");
            properties.setProperty("host." + host + ".libvirt", "qemu+tcp://127.0.0.1/system");
        }
        Path file = folder.resolve("engine.conf");
        try (Writer writer = Files.newBufferedWriter(file)) {
            properties.store(writer, null);
        }
        EngineConfig config = EngineConfig.load(file);
        injector = Guice.createInjector(new EngineModule(config));
        EngineDaemon daemon = injector.getInstance(EngineDaemon.class);
        daemon.start();
        daemons.add(daemon);
        ca = CloudCa.load(config.caDirectory());
        base = URI.create("https://127.0.0.1:" + port);
    }

    /** {@code vtpcm-engine issue-client}, run while the engine runs (same database). */
    private IssuedIdentity issueClient(String name) {
        Path out = folder.resolve("clients");
        StringWriter err = new StringWriter();
        int exit = org.vtpcm.engine.EngineMainAccess.commandLine().setErr(new PrintWriter(err)).execute("issue-client", "--config",
                folder.resolve("engine.conf").toString(), "--name", name, "--role", "operator", "--out", out.toString());
        assertEquals(0, exit, err.toString());
        return IssuedIdentity.readPem(out, name);
    }

    /** What enrollment would issue the node, recorded as enrollment records it. */
    private IssuedIdentity enrolled(CertificateRegistry registry, String node) {
        IssuedIdentity tls = ca.issueTlsIdentity(Role.NODE_MANAGER, node, List.of(node), List.of("127.0.0.9"), Duration.ofDays(30), true,
                true);
        X509Certificate qemu = ca.certifyTlsKey(Role.NODE_QEMU, CloudCa.newTlsKeyPair().getPublic(), node, List.of(node),
                List.of("127.0.0.9"), Duration.ofDays(30), true, true);
        X509Certificate ak = ca.certifyPublicKey(CloudCa.newTlsKeyPair().getPublic(), node + " attestation key", Duration.ofDays(30),
                EnrollmentAuthority.AK_CERTIFICATE_PURPOSE);
        registry.enrolled(node, List.of(tls.certificate(), qemu, ak));
        return tls;
    }

    private EngineClient client(IssuedIdentity identity) {
        return new EngineClient(base, MutualTls.context(identity, Set.of(Role.ENGINE), org.vtpcm.protocol.tls.Revocations.NONE));
    }

    private static JsonNode record(EngineClient client, String serial) {
        for (JsonNode record : client.send("GET", "/v1/certificates", null).path("certificates")) {
            if (record.path("serial").asText().equals(serial)) {
                return record;
            }
        }
        throw new AssertionError("certificate " + serial + " is not in the engine's registry");
    }

    private static void assertError(int status, String code, org.junit.jupiter.api.function.Executable call) {
        EngineClientException e = assertThrows(EngineClientException.class, call);
        assertEquals(status, e.status(), e.getMessage());
        assertEquals(code, e.code(), e.getMessage());
    }
}
