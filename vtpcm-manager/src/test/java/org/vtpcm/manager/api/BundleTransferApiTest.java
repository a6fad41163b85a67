package org.vtpcm.manager.api;

import org.vtpcm.protocol.pki.Role;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.manager.fakes.FakeBundleStager;
import org.vtpcm.manager.migration.BundleSender;
import org.vtpcm.manager.migration.BundleSpool;
import org.vtpcm.manager.migration.ChunkedBundleReceiver;
import org.vtpcm.manager.migration.HttpBundleTransport;
import org.vtpcm.manager.migration.IncomingMigrations;
import org.vtpcm.manager.migration.Sha256;
import org.vtpcm.manager.migration.TransferException;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.crypto.SuiteName;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.tls.MutualTls;

/** The chunk endpoints over real mutual TLS: the sender's certificate name, the status codes, the sender's HTTP transport. */
class BundleTransferApiTest {
    @TempDir
    Path folder;
    private final CryptoSuite suite = CryptoSuites.of(SuiteName.NIST);
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule()).registerModule(new Jdk8Module());
    private final FakeBundleStager stager = new FakeBundleStager();
    private final UUID migration = UUID.randomUUID();
    private CloudCa ca;
    private IncomingMigrations incoming;
    private ApiServer server;
    private URI destination;

    @BeforeEach
    void start() {
        ca = CloudCa.create("test CA", folder.resolve("ca"));
        BundleSpool spool = new BundleSpool(folder.resolve("incoming"));
        incoming = new IncomingMigrations(spool::delete);
        incoming.add(new IncomingMigrations.Prepared(migration, UUID.randomUUID(), UUID.randomUUID(), 1, new byte[32],
                suite.generateSigningKeyPair(), Optional.of("n1"), Optional.of(suite.generateSigningKeyPair().getPublic())));
        ChunkedBundleReceiver receiver = new ChunkedBundleReceiver(incoming, spool, stager, 1 << 20);
        SSLContext serverTls = MutualTls.context(ca.issueTlsIdentity(Role.NODE_MANAGER, "n2", List.of(), List.of("127.0.0.1"), Duration.ofDays(1), true,
                true));
        server = new ApiServer("n2", "127.0.0.1", 0, 1 << 20, serverTls, json, List.of(new BundleReceiveResource(receiver, json)));
        destination = URI.create("https://127.0.0.1:" + server.port());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private SSLContext identity(String name) {
        return MutualTls.context(ca.issueTlsIdentity(Role.NODE_MANAGER, name, List.of(), List.of(), Duration.ofDays(1), false, true));
    }

    private static byte[] bundle(int length) {
        byte[] bundle = new byte[length];
        new Random(5).nextBytes(bundle);
        return bundle;
    }

    @Test
    void theSourceNodePushesOverParallelStreamsAndTheDestinationStages() throws Exception {
        byte[] bundle = bundle(10_000);
        BundleSender sender = new BundleSender(new HttpBundleTransport(identity("n1")), 1000, Duration.ofMillis(1));

        BundleSender.Report report = sender.send(destination, migration, bundle, 3);

        assertEquals(10, report.chunks());
        assertEquals(3, report.streams());
        assertEquals("STAGED", json.readTree(report.staged()).path("state").asText());
        assertArrayEquals(bundle, stager.staged.get(0).bundle());
        assertEquals("STAGED", json.readTree(sender.send(destination, migration, bundle, 2).staged()).path("state").asText(),
                "sending the same bundle again is answered with the staged row");
        assertEquals(1, stager.staged.size());
    }

    @Test
    void anotherNodeIsRefusedWith403() {
        BundleSender sender = new BundleSender(new HttpBundleTransport(identity("n3")), 1000, Duration.ofMillis(1));

        TransferException refused = assertThrows(TransferException.class, () -> sender.send(destination, migration, bundle(100), 1));

        assertEquals(TransferException.Reason.DESTINATION_REFUSED, refused.reason());
        assertTrue(refused.getMessage().contains("403 SENDER_NOT_ALLOWED"), refused.getMessage());
        assertEquals(502, ApiServer.status(refused.reason()));
    }

    @Test
    void chunkErrorsAnswerWithTheirStatusAndCode() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(identity("n1")).build();
        byte[] chunk = bundle(100);
        String digest = HexFormat.of().formatHex(Sha256.of(chunk));
        assertEquals(200, put(client, migration, 0, "1", "100", digest, chunk).statusCode());
        byte[] other = chunk.clone();
        other[0] ^= 1;
        HttpResponse<String> conflict = put(client, migration, 0, "1", "100", HexFormat.of().formatHex(Sha256.of(other)), other);
        assertEquals(409, conflict.statusCode(), conflict.body());
        assertEquals("CHUNK_CONFLICT", json.readTree(conflict.body()).path("code").asText());
        assertEquals(404, put(client, UUID.randomUUID(), 0, "1", "100", digest, chunk).statusCode());
        assertEquals(413, put(client, migration, 0, "1", Long.toString(2L << 20), digest, chunk).statusCode());
        assertEquals(400, put(client, migration, 5, "1", "100", digest, chunk).statusCode());
        assertEquals(400, put(client, migration, 0, "x", "100", digest, chunk).statusCode());
        // refused from its Content-Length before a byte is read: Jetty answers 413 and closes, and the client, still
        // writing the body, sometimes sees the connection reset before it reads the answer; both mean "not taken"
        try {
            assertEquals(413, put(client, migration, 0, "2", "600000", digest, new byte[ChunkedBundleReceiver.MAX_CHUNK_BYTES + 1])
                    .statusCode());
        } catch (java.io.IOException closedBeforeTheAnswer) {
            // the oversized chunk was not taken either way; the spool check below shows nothing was stored
        }
        HttpResponse<String> missing = client.send(HttpRequest.newBuilder(destination.resolve("/v1/migrations/" + migration
                + "/stage-chunks")).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                "{\"count\":2,\"length\":200,\"sha256\":\"" + digest + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(409, missing.statusCode(), missing.body());
    }

    @Test
    void anUnreachableDestinationIsReportedAfterTheRetries() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        BundleSender sender = new BundleSender(new HttpBundleTransport(identity("n1")), 1000, Duration.ofMillis(1));

        TransferException failure = assertThrows(TransferException.class,
                () -> sender.send(URI.create("https://127.0.0.1:" + closedPort), migration, bundle(100), 1));

        assertEquals(TransferException.Reason.DESTINATION_UNREACHABLE, failure.reason());
        assertTrue(failure.getMessage().contains("after 6 attempts"), failure.getMessage());
    }

    private HttpResponse<String> put(HttpClient client, UUID id, int index, String count, String length, String digest, byte[] body)
            throws Exception {
        return client.send(HttpRequest.newBuilder(destination.resolve("/v1/migrations/" + id + "/bundle/chunks/" + index))
                .header("Content-Type", "application/octet-stream").header("X-Chunk-Count", count).header("X-Bundle-Length", length)
                .header("X-Chunk-Sha256", digest).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
