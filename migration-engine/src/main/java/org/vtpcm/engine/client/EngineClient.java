package org.vtpcm.engine.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.vtpcm.protocol.tls.MutualTls;

/**
 * A client of the migration engine's REST API ({@code docs/engine-api.md}) over mutual TLS.
 * Answers are the engine's JSON as {@link JsonNode}s, so the CLI and the lab tests read the same
 * fields the document names; every failure is an {@link EngineClientException}.
 */
public final class EngineClient {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** The largest answer the client reads (a long migration list is a few MiB). */
    public static final int MAX_ANSWER_BYTES = 16 << 20;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** Which migrations {@link #migrations} lists. */
    public enum StateFilter { ACTIVE, ALL }

    private final URI base;
    private final Duration timeout;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    public EngineClient(URI base, SSLContext tls) {
        this(base, tls, DEFAULT_TIMEOUT);
    }

    /** {@code timeout} bounds each call, from sending the request to the last byte of the answer. */
    public EngineClient(URI base, SSLContext tls, Duration timeout) {
        this.base = requireNonNull(base, "base is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.http = HttpClient.newBuilder().sslContext(requireNonNull(tls, "tls is null")).connectTimeout(CONNECT_TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /** A client presenting the identity {@code <name>.crt}/{@code <name>.key} of {@code tlsDirectory} (with its {@code ca.crt}). */
    public static EngineClient connect(URI base, Path tlsDirectory, String name) {
        return new EngineClient(base, MutualTls.context(tlsDirectory, name));
    }

    public URI base() {
        return base;
    }

    // migrations

    /** Starts a migration; answers its view (phase {@code REQUESTED} or later). */
    public JsonNode startMigration(MigrationRequest request) {
        requireNonNull(request, "request is null");
        return send("POST", "/v1/migrations", json.valueToTree(request));
    }

    /** Nova mode: asks the engine to ask Nova to live-migrate the VM's instance. */
    public JsonNode novaMigrate(String vm, String to) {
        com.fasterxml.jackson.databind.node.ObjectNode body = json.createObjectNode().put("vm", vm);
        if (to != null) {
            body.put("to", to);
        }
        return send("POST", "/v1/nova/migrations", body);
    }

    /** Nova's records of the instance's migrations, newest first. */
    public JsonNode novaMigrations(String instance) {
        return send("GET", "/v1/nova/instances/" + instance + "/nova-migrations", null);
    }

    /**
     * The instance's migration through the Nova hooks (the one in progress, else the newest):
     * {@code {"migration": view, "receipt": ...}} (the receipt once committed); 404 when it has none.
     */
    public JsonNode novaMigration(String instance) {
        return send("GET", "/v1/nova/instances/" + segment(instance) + "/migration", null);
    }

    public JsonNode migration(String id) {
        return send("GET", "/v1/migrations/" + segment(id), null);
    }

    /** {@code {"migrations": [view, ...]}}, newest first; {@code limit} 1..1000. */
    public JsonNode migrations(StateFilter state, int limit) {
        requireNonNull(state, "state is null");
        return send("GET", "/v1/migrations?state=" + state.name().toLowerCase(Locale.ROOT) + "&limit=" + limit, null);
    }

    /** Rolls the migration back; 409 {@code PAST_SWITCHOVER} once the VM runs at the destination. */
    public JsonNode abort(String id) {
        return send("POST", "/v1/migrations/" + segment(id) + "/abort", null);
    }

    /** The signed receipt of a committed migration (404 before). */
    public JsonNode receipt(String id) {
        return send("GET", "/v1/migrations/" + segment(id) + "/receipt", null);
    }

    // hosts

    public JsonNode hosts() {
        return send("GET", "/v1/hosts", null);
    }

    public JsonNode attest(String host) {
        return send("POST", "/v1/hosts/" + segment(host) + "/attest", null);
    }

    /** Records the host's measured platform events as reference values: {@code {"added": n, "host": {...}}}. */
    public JsonNode trust(String host) {
        return send("POST", "/v1/hosts/" + segment(host) + "/trust", null);
    }

    // reference values

    public JsonNode referenceValues() {
        return send("GET", "/v1/reference-values", null);
    }

    /** Adds a global reference value ({@code label} may be null); answers the new item with its id. */
    public JsonNode addReferenceValue(int pcr, String description, String digest, String label) {
        return addReferenceValue(pcr, description, digest, label, null);
    }

    /** Adds a reference value for a scope (global when null, class:<class>, host:<name>); {@code label} may be null. */
    public JsonNode addReferenceValue(int pcr, String description, String digest, String label, String scope) {
        ObjectNode body = json.createObjectNode().put("pcr", pcr).put("description", requireNonNull(description, "description is null"))
                .put("digest", requireNonNull(digest, "digest is null"));
        if (label != null) {
            body.put("label", label);
        }
        if (scope != null) {
            body.put("scope", scope);
        }
        return send("POST", "/v1/reference-values", body);
    }

    public void removeReferenceValue(long id) {
        send("DELETE", "/v1/reference-values/" + id, null);
    }

    // the association list

    /** {@code {"vtpcms": [...], "unreachable": [host, ...]}}. */
    public JsonNode vtpcms() {
        return send("GET", "/v1/vtpcms", null);
    }

    /** The association of one VM (uuid or name). */
    public JsonNode vtpcm(String vm) {
        return send("GET", "/v1/vtpcms/" + segment(vm), null);
    }

    /** The Prometheus text of {@code /metrics}. */
    public String metrics() {
        return exchange("GET", "/metrics", null, "text/plain").body();
    }

    /** Any JSON call, for tools and tests ({@code path} starts with {@code /v1/}; {@code body} may be null). */
    public JsonNode send(String method, String path, JsonNode body) {
        Answer response = exchange(method, path, body, "application/json");
        String text = response.body();
        if (text == null || text.isBlank()) {
            return json.createObjectNode();
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new EngineClientException(EngineClientException.NO_ANSWER, "BAD_RESPONSE",
                    method + " " + path + " answered " + response.statusCode() + " with a body that is not JSON");
        }
    }

    private Answer exchange(String method, String path, JsonNode body, String accept) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).header("Accept", accept);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()));
        Answer response;
        try {
            HttpResponse<java.io.InputStream> streamed = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream in = streamed.body()) {
                // a larger answer is refused instead of filling the heap of whoever runs the CLI
                byte[] bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
                if (bytes.length > MAX_ANSWER_BYTES) {
                    throw new EngineClientException(EngineClientException.NO_ANSWER, "ANSWER_TOO_LARGE",
                            method + " " + path + ": the engine's answer exceeds " + MAX_ANSWER_BYTES + " bytes");
                }
                response = new Answer(streamed.statusCode(), new String(bytes, UTF_8));
            }
        } catch (IOException e) {
            throw new EngineClientException(EngineClientException.NO_ANSWER, failureCode(e), unreachable(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineClientException(EngineClientException.NO_ANSWER, "INTERRUPTED", "interrupted calling the engine at " + base);
        }
        if (response.statusCode() >= 300) {
            throw error(method, path, response);
        }
        return response;
    }

    /** An answer of the engine: its status and its text, read up to {@link #MAX_ANSWER_BYTES}. */
    private record Answer(int statusCode, String body) {
    }

    /**
     * {@link EngineClientException#TLS_REJECTED} when the engine answered our handshake with a TLS
     * alert (it refused our certificate), else {@code UNREACHABLE}. Under TLS 1.3 the engine checks
     * the client certificate after the client has finished, so some servers just close the
     * connection: that is indistinguishable from a crash and stays {@code UNREACHABLE}.
     */
    static String failureCode(IOException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException && cause.getMessage() != null && cause.getMessage().contains("Received fatal alert")) {
                return EngineClientException.TLS_REJECTED;
            }
        }
        return "UNREACHABLE";
    }

    private String unreachable(IOException e) {
        String why;
        if (e instanceof HttpConnectTimeoutException) {
            why = "no connection (TCP and TLS handshake) within " + Math.min(CONNECT_TIMEOUT.toSeconds(), timeout.toSeconds()) + " s";
        } else if (e instanceof HttpTimeoutException) {
            why = "no answer within " + timeout.toSeconds() + " s";
        } else if (EngineClientException.TLS_REJECTED.equals(failureCode(e))) {
            why = "the engine refused our TLS certificate: " + rootMessage(e);
        } else if (e instanceof SSLException || e.getCause() instanceof SSLException) {
            why = "TLS handshake failed (is the engine's certificate from the CA in our ca.crt?): " + rootMessage(e);
        } else {
            why = rootMessage(e);
        }
        return "cannot reach the engine at " + base + ": " + why;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }

    private EngineClientException error(String method, String path, Answer response) {
        int status = response.statusCode();
        String code = "HTTP_" + status;
        String message = method + " " + path + " answered " + status;
        try {
            JsonNode body = json.readTree(response.body() == null ? "" : response.body());
            if (body != null && body.isObject()) {
                code = body.path("code").asText(code);
                message = body.path("message").asText(message);
            }
        } catch (JsonProcessingException e) {
            // not the engine's error format (a proxy?): keep the status line
        }
        return new EngineClientException(status, code, message);
    }

    private static String segment(String value) {
        requireNonNull(value, "path segment is null");
        if (value.isBlank()) {
            throw new IllegalArgumentException("empty path segment");
        }
        return URLEncoder.encode(value, UTF_8).replace("+", "%20");
    }
}
