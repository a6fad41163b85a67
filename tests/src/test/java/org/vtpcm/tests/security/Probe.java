package org.vtpcm.tests.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * One HTTPS request with any TLS context (any identity, or none), bounded in time and in the size of
 * the answer it reads; never throws, so every attack ends in an {@link Outcome}.
 */
public final class Probe {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final int MAX_ANSWER = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String who;
    private final SSLContext tls;
    private final String[] protocols;

    /** @param who the identity the probe plays, as the attack matrix names the attacker */
    public Probe(String who, SSLContext tls) {
        this(who, tls, new String[] {"TLSv1.3"});
    }

    public Probe(String who, SSLContext tls, String[] protocols) {
        this.who = who;
        this.tls = tls;
        this.protocols = protocols.clone();
    }

    public String who() {
        return who;
    }

    public Outcome get(URI uri) {
        return send("GET", uri, null, "application/json");
    }

    public Outcome post(URI uri, String json) {
        return send("POST", uri, json == null ? null : json.getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/json");
    }

    public Outcome send(String method, URI uri, byte[] body, String contentType) {
        return send(method, uri, body, contentType, java.util.Map.of());
    }

    public Outcome send(String method, URI uri, byte[] body, String contentType, java.util.Map<String, String> headers) {
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(protocols);
        HttpClient http = HttpClient.newBuilder().sslContext(tls).sslParameters(parameters).connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        try {
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            byte[] answer;
            try (InputStream in = response.body()) {
                answer = in.readNBytes(MAX_ANSWER);
            }
            String text = new String(answer, java.nio.charset.StandardCharsets.UTF_8);
            return new Outcome(response.statusCode(), code(text), text, "");
        } catch (IOException e) {
            return Outcome.refused(e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.refused("interrupted");
        }
    }

    /** The JSON answer of an outcome (an empty object when it is not JSON). */
    public static JsonNode json(Outcome outcome) {
        try {
            return JSON.readTree(outcome.body());
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String code(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node == null ? "" : node.path("code").asText("");
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public String toString() {
        return who + " " + Arrays.toString(protocols);
    }
}
