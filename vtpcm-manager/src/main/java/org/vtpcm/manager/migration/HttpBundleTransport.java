package org.vtpcm.manager.migration;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import org.vtpcm.nodeapi.NodePaths;
import org.vtpcm.nodeapi.StageChunksRequest;

/** The chunk endpoints over HTTPS with mutual TLS, presenting this node's own identity; one client for every transfer. */
public final class HttpBundleTransport implements BundleTransport {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    public HttpBundleTransport(SSLContext nodeTls) {
        this.http = HttpClient.newBuilder().sslContext(requireNonNull(nodeTls, "nodeTls is null")).connectTimeout(CONNECT_TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public Reply putChunk(URI destination, UUID migrationId, int index, int count, long length, byte[] sha256, byte[] chunk)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(destination.resolve(NodePaths.chunk(migrationId, index)))
                .timeout(REQUEST_TIMEOUT).header("Content-Type", "application/octet-stream").header("Accept", "application/json")
                .header("X-Chunk-Count", Integer.toString(count)).header("X-Bundle-Length", Long.toString(length))
                .header("X-Chunk-Sha256", HexFormat.of().formatHex(sha256))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(chunk)).build();
        return exchange(request);
    }

    @Override
    public Reply stageChunks(URI destination, UUID migrationId, int count, long length, byte[] sha256)
            throws IOException, InterruptedException {
        String body = json.writeValueAsString(new StageChunksRequest(count, length, HexFormat.of().formatHex(sha256)));
        HttpRequest request = HttpRequest.newBuilder(destination.resolve(NodePaths.hook(migrationId, NodePaths.Hook.STAGE_CHUNKS)))
                .timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return exchange(request);
    }

    private Reply exchange(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body());
    }
}
