package org.vtpcm.engine.certificates;

import org.vtpcm.protocol.time.ManualClock;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.engine.hosts.NodeClients;
import org.vtpcm.engine.journal.EngineSchema;
import org.vtpcm.protocol.store.SqliteDatabase;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.IssuedIdentity;
import org.vtpcm.protocol.pki.Role;
import org.vtpcm.protocol.tls.MutualTls;
import org.vtpcm.protocol.tls.RevocationList;

/** The list reaches every manager: now, after each change, and a node that was down catches up on a later round. */
class RevocationPublisherTest {
    @TempDir
    Path folder;
    private CloudCa ca;
    private SqliteDatabase database;
    private CertificateRegistry registry;
    private final List<FakeManager> managers = new ArrayList<>();

    @BeforeEach
    void open() {
        ca = CloudCa.create("test CA", folder.resolve("ca"));
        database = SqliteDatabase.open(folder.resolve("engine.db"), EngineSchema.VERSION, EngineSchema.DDL);
        registry = new CertificateRegistry(database, ca, new ManualClock(Instant.now()));
    }

    @AfterEach
    void close() {
        managers.forEach(FakeManager::close);
        database.close();
    }

    @Test
    void aNodeThatWasDownCatchesUpAndAChangeIsPushedAtOnce() throws Exception {
        FakeManager up = manager("n1");
        FakeManager down = manager("n2");
        down.up = false;
        X509Certificate operator = operator();
        registry.recordClient(operator);
        registry.revoke(operator.getSerialNumber().toString(16), "test", "bob");
        NodeClients nodes = new NodeClients(List.of(host("n1", up), host("n2", down)), engineTls());
        RevocationPublisher publisher = new RevocationPublisher(registry, nodes, Duration.ofHours(1));

        publisher.pushBehind();
        BigInteger number = registry.current().number();
        assertEquals(number, publisher.delivered().get("n1"));
        assertFalse(publisher.delivered().containsKey("n2"), "n2 was down");
        assertTrue(up.list.isRevoked(operator));
        int calls = up.calls;
        publisher.pushBehind();
        assertEquals(calls, up.calls, "a host holding the list is not asked again");

        down.up = true;
        publisher.pushBehind();
        assertEquals(number, publisher.delivered().get("n2"));
        assertTrue(down.list.isRevoked(operator), "the node that was down catches up");

        try {
            publisher.start();
            X509Certificate other = operator();
            registry.recordClient(other);
            registry.revoke(other.getSerialNumber().toString(16), "test", "bob");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!(up.list.isRevoked(other) && down.list.isRevoked(other)) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(up.list.isRevoked(other) && down.list.isRevoked(other), "pushed right after the change, no waiting for a round");
        } finally {
            publisher.close();
        }
    }

    @Test
    void aManagerThatStallsDelaysNoOtherManagersList() throws Exception {
        FakeManager stalling = manager("n1");
        stalling.stall = true;
        FakeManager prompt = manager("n2");
        X509Certificate operator = operator();
        registry.recordClient(operator);
        registry.revoke(operator.getSerialNumber().toString(16), "test", "bob");
        // a per-host timeout with room for one TLS handshake and the first typed answer on a loaded machine; the stall is 30 s
        try (NodeClients nodes = new NodeClients(List.of(host("n1", stalling), host("n2", prompt)), engineTls(), Duration.ofSeconds(60),
                Duration.ofSeconds(3))) {
            RevocationPublisher publisher = new RevocationPublisher(registry, nodes, Duration.ofHours(1));
            long start = System.nanoTime();
            publisher.pushBehind();
            long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            assertTrue(seconds < 10, "one round took " + seconds + " s");
            assertTrue(prompt.list.isRevoked(operator), "the prompt manager got the list");
            assertFalse(publisher.delivered().containsKey("n1"), "the stalling one is retried later");
        } finally {
            stalling.stall = false;
        }
    }

    private X509Certificate operator() {
        return ca.issueTlsIdentity(Role.OPERATOR, "alice", List.of(), List.of(), Duration.ofDays(1), false, true).certificate();
    }

    private javax.net.ssl.SSLContext engineTls() {
        return MutualTls.context(ca.issueTlsIdentity(Role.ENGINE, "vtpcm-engine", List.of(), List.of(), Duration.ofDays(1), true, true),
                Set.of(Role.NODE_MANAGER), registry);
    }

    private static HostConfig host(String name, FakeManager manager) {
        return new HostConfig(name, URI.create("https://127.0.0.1:" + manager.server.getAddress().getPort()),
                "qemu+tcp://127.0.0.1/system", 2, 64);
    }

    private FakeManager manager(String node) throws IOException {
        FakeManager manager = new FakeManager(ca, node);
        managers.add(manager);
        return manager;
    }

    /** A manager's PUT /v1/revocations: installs the list as a real manager does, or answers 503 while "down". */
    private static final class FakeManager {
        final HttpsServer server;
        final RevocationList list;
        volatile boolean up = true;
        volatile boolean stall;
        volatile int calls;

        FakeManager(CloudCa ca, String node) throws IOException {
            list = RevocationList.inMemory(ca.certificate());
            IssuedIdentity identity = ca.issueTlsIdentity(Role.NODE_MANAGER, node, List.of(node), List.of("127.0.0.1"), Duration.ofDays(1),
                    true, true);
            server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(MutualTls.context(identity)) {
                @Override
                public void configure(HttpsParameters parameters) {
                    parameters.setSSLParameters(MutualTls.serverParameters());
                }
            });
            server.createContext("/v1/revocations", this::handle);
            server.start();
        }

        private void handle(HttpExchange exchange) throws IOException {
            calls++;
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (stall && System.nanoTime() < until) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            byte[] der = exchange.getRequestBody().readAllBytes();
            String body;
            int status;
            if (!up) {
                status = 503;
                body = "{\"code\":\"DOWN\",\"message\":\"down\"}";
            } else {
                boolean installed = list.install(der);
                status = 200;
                body = "{\"number\":\"" + list.number() + "\",\"installed\":" + installed + "}";
            }
            byte[] bytes = body.getBytes(UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }

        void close() {
            server.stop(0);
        }
    }
}
