package org.vtpcm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.attestation.PlatformEvent;
import org.vtpcm.attestation.Quote;
import org.vtpcm.attestation.QuoteVerdict;
import org.vtpcm.attestation.QuoteVerifier;
import org.vtpcm.attestation.ReferenceValues;
import org.vtpcm.lab.ContinuityChecker;
import org.vtpcm.lab.GuestConsole;
import org.vtpcm.lab.GuestDomainXml;
import org.vtpcm.lab.LabCa;
import org.vtpcm.lab.LabConfig;
import org.vtpcm.lab.LabHosts;
import org.vtpcm.lab.LabLeftovers;
import org.vtpcm.lab.LabManager;
import org.vtpcm.lab.LabNode;
import org.vtpcm.nodeapi.ManagerClient;
import org.vtpcm.nodeapi.ManagerClientException;
import org.vtpcm.nodeapi.DomainState;
import org.vtpcm.manager.libvirt.LibvirtJavaConnector;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.crypto.SuiteName;

/**
 * The vTPCM manager in the real lab: managers run inside the node namespaces (node 1 with the SM
 * suite, node 2 with NIST), enrolled with the lab CA through their emulated platform TPMs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManagerLabIT {
    private static LabConfig lab;
    private static LabCa ca;
    private static LabManager first;
    private static LabManager second;
    private static LabHosts hosts;
    private static UUID runningVm;
    private static String runningVmName;
    private static Path swtpmCopy;

    @TempDir
    static Path scratch;

    @BeforeAll
    static void startManagers() throws Exception {
        lab = LabConfig.load(LabConfig.defaultLabDirectory());
        ca = LabCa.of(lab);
        hosts = new LabHosts(lab, new LibvirtJavaConnector());
        LabNode one = lab.node(1);
        Path bin = one.directory().resolve("bin");
        Files.createDirectories(bin);
        swtpmCopy = bin.resolve("swtpm");
        Files.copy(Path.of("/usr/bin/swtpm"), swtpmCopy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        swtpmCopy.toFile().setExecutable(true);
        first = new LabManager(lab, one, ca);
        first.configure("sm", "swtpm.binary = " + swtpmCopy,
                "measure.binaries = /usr/bin/qemu-system-x86_64,/usr/sbin/libvirtd," + swtpmCopy);
        second = new LabManager(lab, lab.node(2), ca);
        second.configure("nist");
        first.enroll();
        second.enroll();
        first.start();
        second.start();
    }

    @AfterAll
    static void stopManagers() {
        if (runningVm != null) {
            try {
                first.client().stopVm(runningVm);
                first.client().destroyVm(runningVm);
            } catch (RuntimeException e) {
                System.err.println("cleanup: " + e.getMessage());
            }
        }
        if (first != null) {
            first.stop();
        }
        if (second != null) {
            second.stop();
        }
        if (hosts != null) {
            hosts.close();
        }
    }

    @Test
    @Order(1)
    void managersAnswerOnlyOverMutualTlsWithACaCertificate() throws Exception {
        JsonNode node = first.client().node();
        assertEquals("vtpcm-n1", node.path("name").asText());
        assertEquals("sm", node.path("suite").asText());
        assertTrue(node.path("rootOfTrust").asText().toLowerCase().contains("emulated"), node.toString());
        assertEquals("nist", second.client().node().path("suite").asText());

        ManagerClient intruder = new ManagerClient(first.baseUri(), LabCa.foreignTls(scratch.resolve("other-ca")));
        ManagerClientException refused = assertThrows(ManagerClientException.class, intruder::node);
        assertEquals(0, refused.status(), "a certificate from another CA is refused in the handshake");

        SSLContext noCertificate = SSLContext.getInstance("TLSv1.3");
        noCertificate.init(null, trustOnly(ca.directory().resolve("ca.crt")), null);
        assertThrows(ManagerClientException.class, () -> new ManagerClient(first.baseUri(), noCertificate).node());

        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThrows(Exception.class, () -> plain.send(HttpRequest.newBuilder(URI.create("http://" + lab.node(1).ip() + ":"
                + LabManager.API_PORT + "/v1/node")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    @Order(2)
    void badInputIsAnsweredWith4xxAndChangesNothing() throws Exception {
        ManagerClient client = first.client();
        ManagerClient asEngine = first.engineClient();
        int before = client.vtpcms().size();
        assertStatus(400, "BAD_REQUEST", () -> client.send("POST", "/v1/vms", "{not json"));
        assertStatus(400, "BAD_REQUEST", () -> client.send("POST", "/v1/vms", "{\"domainXml\":\"<domain/>\",\"extra\":1}"));
        assertStatus(400, "BAD_REQUEST", () -> client.send("POST", "/v1/vms", ""));
        assertStatus(400, "INVALID_DOMAIN", () -> client.createVm("<domain type='xen'><name>x</name></domain>", "deny"));
        assertStatus(400, "INVALID_DOMAIN", () -> client.createVm("<!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/shadow'>]><domain/>", null));
        assertStatus(400, "BAD_REQUEST", () -> client.createVm("<domain type='qemu'><name>x</name></domain>", "sometimes"));
        assertTrue(oversizedRequestStatusLine().startsWith("HTTP/1.1 413"), "an oversized body is refused from its length");
        assertStatus(400, "BAD_REQUEST", () -> client.send("POST", "/v1/vms/not-a-uuid/start", null));
        assertStatus(400, "BAD_REQUEST", () -> client.send("GET", "/v1/vtpcms/..%2F..%2Fetc%2Fpasswd", null));
        assertStatus(404, "NOT_FOUND", () -> client.startVm(UUID.randomUUID()));
        assertStatus(404, "NO_SUCH_ENDPOINT", () -> client.send("GET", "/v1/nothing-here", null));
        assertStatus(400, "BAD_REQUEST", () -> asEngine.send("POST", "/v1/attestation/quote", "{\"nonce\":\"zz\"}"));
        assertStatus(400, "BAD_REQUEST", () -> asEngine.send("POST", "/v1/attestation/quote", "{\"nonce\":\"00\"}"));
        assertStatus(400, "BAD_REQUEST", () -> client.registerReferenceValue("kernel", "1234", "short"));
        assertStatus(400, "BAD_REQUEST", () -> client.registerReferenceValue("firmware", "00".repeat(32), "unknown kind"));
        assertStatus(400, "BAD_REQUEST", () -> asEngine.send("POST", "/v1/migrations/" + UUID.randomUUID() + "/export", null));
        assertStatus(400, "BAD_REQUEST", () -> asEngine.send("POST", "/v1/migrations/" + UUID.randomUUID() + "/stage",
                "{\"bundle\":\"AAAA\",\"sourceSigningKey\":\"" + "00".repeat(40) + "\"}"));
        assertEquals(before, client.vtpcms().size(), "nothing was created by bad requests");
    }

    @Test
    @Order(3)
    void aVmStartedThroughTheManagerGetsItsVtpcmAndItsTpmCheckRuns() throws Exception {
        ManagerClient client = first.client();
        CryptoSuite sm = CryptoSuites.of(SuiteName.SM);
        client.registerReferenceValue("kernel", digest(sm, lab.guestKernel()), "lab guest kernel");
        client.registerReferenceValue("initrd", digest(sm, lab.guestInitrd()), "lab guest initramfs");
        runningVmName = LabLeftovers.uniqueName("mgr-vm");
        runningVm = UUID.randomUUID();
        Path console = lab.consoleDirectory().resolve(runningVmName + ".log");
        Files.deleteIfExists(console);
        String xml = new GuestDomainXml(runningVmName, runningVm, 128, lab.guestKernel(), lab.guestInitrd(), console,
                Path.of("/replaced/by/the/manager")).toXml();
        JsonNode created = client.createVm(xml, "deny");
        assertEquals("CREATED", created.path("state").asText());
        JsonNode started = client.startVm(runningVm);
        assertEquals("RUNNING", started.path("vtpcm").path("state").asText());
        assertEquals("allow", started.path("decision").asText(), started.toString());
        String vtpcmId = created.path("vtpcmId").asText();
        assertTrue(hosts.host(lab.node(1)).xml(runningVmName).orElseThrow().contains("/run/vtpcm/" + vtpcmId + ".ctrl"));

        GuestConsole guest = new GuestConsole(console);
        guest.awaitStepAfter(2, Duration.ofSeconds(90));
        assertTrue(ContinuityChecker.check(guest.steps()).continuous(), ContinuityChecker.check(guest.steps()).summary());
        JsonNode log = client.measurementLog(runningVm);
        assertTrue(log.path("valid").asBoolean(), log.toString());
        assertTrue(log.path("entries").size() >= 4);
    }

    @Test
    @Order(4)
    void aTamperedKernelIsRefusedUnderDenyAndAlertedUnderAudit() throws Exception {
        ManagerClient client = first.client();
        Path tampered = lab.node(1).directory().resolve("tampered-vmlinuz");
        Files.copy(lab.guestKernel(), tampered, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.write(tampered, new byte[] {0}, StandardOpenOption.APPEND);
        UUID denied = UUID.randomUUID();
        client.createVm(new GuestDomainXml("mgr-tampered", denied, 128, tampered, lab.guestInitrd(),
                lab.consoleDirectory().resolve("mgr-tampered.log"), Path.of("/x")).toXml(), "deny");
        ManagerClientException refused = assertThrows(ManagerClientException.class, () -> client.startVm(denied));
        assertEquals(403, refused.status());
        assertEquals("ACTIVE_CONTROL_DENIED", refused.code());
        assertTrue(hosts.host(lab.node(1)).state("mgr-tampered").orElseThrow() == DomainState.SHUT_OFF, "the VM did not start");
        assertEquals("CREATED", client.vtpcm(denied).path("vtpcm").path("state").asText());
        JsonNode entries = client.measurementLog(denied).path("entries");
        assertEquals("deny", entries.get(entries.size() - 1).path("verdict").asText());
        client.destroyVm(denied);

        UUID audited = UUID.randomUUID();
        client.createVm(new GuestDomainXml("mgr-audited", audited, 128, tampered, lab.guestInitrd(),
                lab.consoleDirectory().resolve("mgr-audited.log"), Path.of("/x")).toXml(), "audit");
        JsonNode started = client.startVm(audited);
        assertEquals("alert", started.path("decision").asText());
        assertTrue(started.path("reasons").get(0).asText().contains("tampered-vmlinuz"), started.toString());
        client.stopVm(audited);
        client.destroyVm(audited);
    }

    @Test
    @Order(5)
    void theVtpcmSurvivesKillNineOfItsManagerAndIsAdopted() throws Exception {
        GuestConsole guest = new GuestConsole(lab.consoleDirectory().resolve(runningVmName + ".log"));
        first.killHard();
        long before = guest.lastSeq();
        guest.awaitStepAfter(before + 1, Duration.ofSeconds(60)); // the guest's TPM keeps working without the manager
        first.start();
        JsonNode row = first.client().vtpcm(runningVm).path("vtpcm");
        assertEquals("RUNNING", row.path("state").asText());
        assertTrue(row.path("attention").isNull(), row.toString());
        JsonNode reconcile = first.client().node().path("reconcile");
        assertTrue(reconcile.path("adopted").toString().contains(runningVm.toString()), reconcile.toString());
        guest.awaitStepAfter(guest.lastSeq(), Duration.ofSeconds(60));
        assertTrue(ContinuityChecker.check(guest.steps()).continuous(), ContinuityChecker.check(guest.steps()).summary());
    }

    @Test
    @Order(6)
    void aQuoteVerifiesAndFailsAfterAMeasuredBinaryOrConfigChanges() throws Exception {
        List<PlatformEvent> golden = events(quoteAndVerify(first, null));
        ReferenceValues reference = ReferenceValues.fromEvents(golden);
        QuoteVerdict again = verdict(first, reference);
        assertTrue(again.trusted(), again.problems().toString());

        Files.writeString(first.configFile(), "# an operator edited this file\n", StandardOpenOption.APPEND);
        restart(first);
        QuoteVerdict afterConfig = verdict(first, reference);
        assertFalse(afterConfig.trusted(), "a changed config must not verify");
        assertTrue(afterConfig.problems().toString().contains("manager.conf"), afterConfig.problems().toString());

        reference = ReferenceValues.fromEvents(events(quoteAndVerify(first, null)));
        // an "upgraded" binary: a running engine keeps the old inode, so replace the file as package managers do
        Path upgraded = swtpmCopy.resolveSibling("swtpm.new");
        Files.copy(swtpmCopy, upgraded, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.write(upgraded, new byte[] {0}, StandardOpenOption.APPEND);
        upgraded.toFile().setExecutable(true);
        Files.move(upgraded, swtpmCopy, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        restart(first);
        QuoteVerdict afterBinary = verdict(first, reference);
        assertFalse(afterBinary.trusted(), "a changed swtpm binary must not verify");
        assertTrue(afterBinary.problems().toString().contains("swtpm"), afterBinary.problems().toString());
    }

    /** Announces a 2 MB body, sends a little of it, and reads the status line the manager answers with. */
    private static String oversizedRequestStatusLine() throws Exception {
        SSLContext tls = ca.operatorTls();
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket(lab.node(1).ip(),
                LabManager.API_PORT)) {
            socket.setSoTimeout(10_000);
            String head = "POST /v1/vms HTTP/1.1\r\nHost: " + lab.node(1).ip() + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 2000000\r\n\r\n{\"domainXml\":\"xxxx";
            socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            java.io.BufferedReader reader = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII));
            return reader.readLine();
        }
    }

    private static void restart(LabManager manager) {
        manager.stop();
        manager.start();
    }

    /** Quotes with a fresh nonce and verifies against {@code reference} (or the quote's own events when null). */
    private static JsonNode quoteAndVerify(LabManager manager, ReferenceValues reference) {
        byte[] nonce = new byte[32];
        new SecureRandom().nextBytes(nonce);
        JsonNode evidence = manager.engineClient().quote(nonce);
        QuoteVerdict verdict = verify(evidence, nonce, reference == null ? ReferenceValues.fromEvents(events(evidence)) : reference);
        assertTrue(verdict.trusted(), verdict.problems().toString());
        return evidence;
    }

    private static QuoteVerdict verdict(LabManager manager, ReferenceValues reference) {
        byte[] nonce = new byte[32];
        new SecureRandom().nextBytes(nonce);
        return verify(manager.engineClient().quote(nonce), nonce, reference);
    }

    private static QuoteVerdict verify(JsonNode evidence, byte[] nonce, ReferenceValues reference) {
        HexFormat hex = HexFormat.of();
        Map<Integer, byte[]> pcrs = new java.util.TreeMap<>();
        evidence.path("pcrValues").fields().forEachRemaining(e -> pcrs.put(Integer.parseInt(e.getKey()), hex.parseHex(e.getValue().asText())));
        Quote quote = new Quote(hex.parseHex(evidence.path("attest").asText()), hex.parseHex(evidence.path("signature").asText()), pcrs);
        return new QuoteVerifier().verify(hex.parseHex(evidence.path("akPublicArea").asText()), nonce, quote, events(evidence), reference);
    }

    private static List<PlatformEvent> events(JsonNode evidence) {
        List<PlatformEvent> events = new ArrayList<>();
        for (JsonNode event : evidence.path("eventLog")) {
            events.add(new PlatformEvent(event.path("pcr").asInt(), event.path("description").asText(),
                    HexFormat.of().parseHex(event.path("digest").asText())));
        }
        return events;
    }

    private static void assertStatus(int status, String code, org.junit.jupiter.api.function.Executable call) {
        ManagerClientException e = assertThrows(ManagerClientException.class, call);
        assertEquals(status, e.status(), e.getMessage());
        assertEquals(code, e.code(), e.getMessage());
    }

    private static String digest(CryptoSuite suite, Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return HexFormat.of().formatHex(suite.digest(in));
        }
    }

    private static javax.net.ssl.TrustManager[] trustOnly(Path caCertificate) throws Exception {
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caCertificate)) {
            store.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        return factory.getTrustManagers();
    }
}
