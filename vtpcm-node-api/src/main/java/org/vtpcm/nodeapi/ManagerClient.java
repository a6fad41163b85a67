package org.vtpcm.nodeapi;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;

/**
 * A client of one node's manager REST API over mutual TLS (the caller's certificate comes from the
 * cloud CA). Used by the migration engine, the tests and operators' tools.
 */
public final class ManagerClient {
    /** The default longest wait for one whole answer (headers and body). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** The default largest answer read; a larger one fails with {@code ANSWER_TOO_LARGE}. */
    public static final long DEFAULT_MAX_ANSWER_BYTES = 4L << 20;
    /** The code of a call that got no whole answer within its timeout (status 0, as unreachable). */
    public static final String TIMEOUT_CODE = "TIMEOUT";

    private final URI base;
    private final HttpClient http;
    private final Duration timeout;
    private final long maxAnswerBytes;
    /** Node API messages: ISO-8601 instants; fields a newer node adds are ignored, so an older engine keeps working. */
    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private final ObjectMapper json = JSON;

    public ManagerClient(URI base, SSLContext tls) {
        this(base, tls, DEFAULT_TIMEOUT, DEFAULT_MAX_ANSWER_BYTES);
    }

    /**
     * @param timeout longest wait for each call's whole answer, the body included (a node trickling its answer is cut off)
     * @param maxAnswerBytes largest answer body read (a larger one is refused with {@code ANSWER_TOO_LARGE}, never buffered)
     */
    public ManagerClient(URI base, SSLContext tls, Duration timeout, long maxAnswerBytes) {
        this.base = requireNonNull(base, "base is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
        if (timeout.isNegative() || timeout.isZero() || maxAnswerBytes < 1) {
            throw new IllegalArgumentException("timeout and maxAnswerBytes must be positive");
        }
        this.maxAnswerBytes = maxAnswerBytes;
        this.http = HttpClient.newBuilder().sslContext(requireNonNull(tls, "tls is null"))
                .connectTimeout(timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    public JsonNode node() {
        return send("GET", NodePaths.NODE, null);
    }

    public JsonNode vtpcms() {
        return send("GET", NodePaths.VTPCMS, null);
    }

    public JsonNode vtpcm(UUID vmUuid) {
        return send("GET", NodePaths.vtpcm(vmUuid), null);
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
        return send("POST", NodePaths.QUOTE, body(new QuoteRequest(HexFormat.of().formatHex(nonce))));
    }

    /** Installs the cloud CA's revocation list (DER) on the node; the engine's call. */
    public RevocationStatus putRevocations(byte[] der) {
        String path = NodePaths.REVOCATIONS;
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).header("Accept", "application/json")
                .header("Content-Type", NodePaths.CRL_MEDIA_TYPE).PUT(HttpRequest.BodyPublishers.ofByteArray(der));
        return typed(exchange(request, "PUT", path), RevocationStatus.class, "PUT " + path);
    }

    /**
     * A call of the node API with a typed body and answer ({@code body} null for none).
     *
     * @throws ManagerClientException also when the answer is not a {@code answer} ({@link ManagerClientException#MALFORMED_ANSWER})
     */
    public <T> T call(String method, String path, Object body, Class<T> answer) {
        return typed(send(method, path, body == null ? null : body(body)), answer, method + " " + path);
    }

    /** A node API message as JSON. */
    private String body(Object message) {
        try {
            return json.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write a " + message.getClass().getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    private <T> T typed(JsonNode tree, Class<T> answer, String call) {
        try {
            T value = json.treeToValue(tree, answer);
            if (value == null) {
                throw new ManagerClientException(200, ManagerClientException.MALFORMED_ANSWER, call + " at " + base + ": empty answer");
            }
            return value;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new ManagerClientException(200, ManagerClientException.MALFORMED_ANSWER, call + " at " + base + ": the answer is not a "
                    + answer.getSimpleName() + " (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    /** Any call, for tools and tests (path must start with /v1/). */
    public JsonNode send(String method, String path, String jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).header("Accept", "application/json");
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
        return send("POST", NodePaths.hook(migrationId, NodePaths.Hook.SEND), body(new SendRequest(vmUuid, destinationNode,
                destinationManager.toString(), nonceHex, ephemeralPublicKeyHex, streams)));
    }

    /** Destination: one chunk of a bundle (the source manager's call; here for tools and tests). */
    public JsonNode putBundleChunk(UUID migrationId, int index, int count, long length, byte[] chunk) {
        String path = NodePaths.chunk(migrationId, index);
        byte[] digest;
        try {
            digest = java.security.MessageDigest.getInstance("SHA-256").digest(chunk);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).header("Accept", "application/json")
                .header("Content-Type", "application/octet-stream").header("X-Chunk-Count", Integer.toString(count))
                .header("X-Bundle-Length", Long.toString(length)).header("X-Chunk-Sha256", HexFormat.of().formatHex(digest))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(chunk));
        return exchange(request, "PUT", path);
    }

    /** Destination: reassemble and stage the chunks of a bundle. */
    public JsonNode stageChunks(UUID migrationId, int count, long length, String sha256Hex) {
        return send("POST", NodePaths.hook(migrationId, NodePaths.Hook.STAGE_CHUNKS), body(new StageChunksRequest(count, length,
                sha256Hex)));
    }

    /** The manager's API root, e.g. {@code https://10.200.0.2:9443}. */
    public URI baseUri() {
        return base;
    }

    private JsonNode exchange(HttpRequest.Builder request, String method, String path) {
        HttpResponse<String> response = receive(request, method + " " + path);
        JsonNode body = parse(response.body());
        if (response.statusCode() >= 300) {
            throw new ManagerClientException(response.statusCode(), body.path("code").asText("HTTP_" + response.statusCode()),
                    method + " " + path + " -> " + response.statusCode() + ": " + body.path("message").asText(response.body()));
        }
        return body;
    }

    /** The whole answer within the timeout (the request's own timeout ends at the headers; this one covers the body too). */
    private HttpResponse<String> receive(HttpRequest.Builder request, String call) {
        CompletableFuture<HttpResponse<String>> answer = http.sendAsync(request.build(), BoundedBody.handler(maxAnswerBytes,
                call + " at " + base));
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new ManagerClientException(0, TIMEOUT_CODE, call + " at " + base + ": no whole answer within " + timeout.toSeconds()
                    + " s");
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new ManagerClientException(0, "INTERRUPTED", "interrupted calling " + base);
        } catch (ExecutionException e) {
            String reason = "connection failed";
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof ManagerClientException refused) {
                    throw refused;
                }
                if (cause instanceof HttpTimeoutException) {
                    throw new ManagerClientException(0, TIMEOUT_CODE, call + " at " + base + ": no answer within " + timeout.toSeconds()
                            + " s");
                }
                if (cause.getMessage() != null && !(cause instanceof CompletionException)) {
                    reason = cause.getMessage();
                }
            }
            throw new ManagerClientException(0, "UNREACHABLE", "cannot reach " + base + ": " + reason);
        }
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
