package org.vtpcm.manager.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import javax.net.ssl.SSLContext;

/**
 * A client of one node's manager REST API over mutual TLS (the caller's certificate comes from the
 * cloud CA). Used by the migration engine, the tests and operators' tools.
 */
public final class ManagerClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final URI base;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    public ManagerClient(URI base, SSLContext tls) {
        this.base = requireNonNull(base, "base is null");
        this.http = HttpClient.newBuilder().sslContext(requireNonNull(tls, "tls is null")).connectTimeout(Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    public JsonNode node() {
        return send("GET", "/v1/node", null);
    }

    public JsonNode vtpcms() {
        return send("GET", "/v1/vtpcms", null);
    }

    public JsonNode vtpcm(UUID vmUuid) {
        return send("GET", "/v1/vtpcms/" + vmUuid, null);
    }

    public JsonNode createVm(String domainXml, String policy) {
        ObjectNode body = json.createObjectNode().put("domainXml", domainXml);
        if (policy != null) {
            body.put("policy", policy);
        }
        return send("POST", "/v1/vms", body.toString());
    }

    public JsonNode startVm(UUID vmUuid) {
        return send("POST", "/v1/vms/" + vmUuid + "/start", null);
    }

    public JsonNode stopVm(UUID vmUuid) {
        return send("POST", "/v1/vms/" + vmUuid + "/stop", null);
    }

    public JsonNode destroyVm(UUID vmUuid) {
        return send("DELETE", "/v1/vms/" + vmUuid, null);
    }

    public JsonNode measurementLog(UUID vmUuid) {
        return send("GET", "/v1/vms/" + vmUuid + "/measurement-log", null);
    }

    public JsonNode registerReferenceValue(String kind, String digest, String label) {
        return send("POST", "/v1/reference-values", json.createObjectNode().put("kind", kind).put("digest", digest)
                .put("label", label).toString());
    }

    public JsonNode quote(byte[] nonce) {
        return send("POST", "/v1/attestation/quote", json.createObjectNode().put("nonce", HexFormat.of().formatHex(nonce)).toString());
    }

    /** Installs the cloud CA's revocation list (DER) on the node; the engine's call. */
    public org.vtpcm.manager.api.RevocationStatus putRevocations(byte[] der) {
        String path = org.vtpcm.manager.api.RevocationResource.PATH;
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).header("Accept", "application/json")
                .header("Content-Type", org.vtpcm.manager.api.RevocationResource.MEDIA_TYPE)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(der));
        JsonNode answer = exchange(request, "PUT", path);
        return new org.vtpcm.manager.api.RevocationStatus(answer.path("number").asText(), answer.path("installed").asBoolean());
    }

    /** Any call, for tools and tests (path must start with /v1/). */
    public JsonNode send(String method, String path, String jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).header("Accept", "application/json");
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
        return exchange(request, method, path);
    }

    /**
     * Source: exports the frozen vTPCM of {@code vmUuid} and pushes it to the destination manager
     * ({@code https://host:port}) over {@code streams} parallel streams; answers the transfer's figures
     * and the destination's staged row.
     */
    public JsonNode sendBundle(UUID migrationId, UUID vmUuid, String destinationNode, URI destinationManager, String nonceHex,
            String ephemeralPublicKeyHex, int streams) {
        return send("POST", "/v1/migrations/" + migrationId + "/send", json.createObjectNode().put("vmUuid", vmUuid.toString())
                .put("destinationNode", destinationNode).put("destinationManager", destinationManager.toString()).put("nonce", nonceHex)
                .put("ephemeralPublicKey", ephemeralPublicKeyHex).put("streams", streams).toString());
    }

    /** Destination: one chunk of a bundle (the source manager's call; here for tools and tests). */
    public JsonNode putBundleChunk(UUID migrationId, int index, int count, long length, byte[] chunk) {
        String path = "/v1/migrations/" + migrationId + "/bundle/chunks/" + index;
        byte[] digest;
        try {
            digest = java.security.MessageDigest.getInstance("SHA-256").digest(chunk);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).header("Accept", "application/json")
                .header("Content-Type", "application/octet-stream").header("X-Chunk-Count", Integer.toString(count))
                .header("X-Bundle-Length", Long.toString(length)).header("X-Chunk-Sha256", HexFormat.of().formatHex(digest))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(chunk));
        return exchange(request, "PUT", path);
    }

    /** Destination: reassemble and stage the chunks of a bundle. */
    public JsonNode stageChunks(UUID migrationId, int count, long length, String sha256Hex) {
        return send("POST", "/v1/migrations/" + migrationId + "/stage-chunks", json.createObjectNode().put("count", count)
                .put("length", length).put("sha256", sha256Hex).toString());
    }

    /** The manager's API root, e.g. {@code https://10.200.0.2:9443}. */
    public URI baseUri() {
        return base;
    }

    private JsonNode exchange(HttpRequest.Builder request, String method, String path) {
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ManagerClientException(0, "UNREACHABLE", "cannot reach " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ManagerClientException(0, "INTERRUPTED", "interrupted calling " + base);
        }
        JsonNode body = parse(response.body());
        if (response.statusCode() >= 300) {
            throw new ManagerClientException(response.statusCode(), body.path("code").asText("HTTP_" + response.statusCode()),
                    method + " " + path + " -> " + response.statusCode() + ": " + body.path("message").asText(response.body()));
        }
        return body;
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return json.createObjectNode();
        }
        try {
            return json.readTree(body);
        } catch (IOException e) {
            return json.createObjectNode().put("message", body);
        }
    }
}
