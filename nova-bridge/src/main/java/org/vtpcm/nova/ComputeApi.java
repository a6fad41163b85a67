package org.vtpcm.nova;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compute calls openstack4j cannot make, with the JDK client: each sends the negotiated
 * {@code OpenStack-API-Version: compute 2.x} and the shared Keystone token, and retries once with a new token on 401.
 */
final class ComputeApi {
    static final String VERSION_HEADER = "OpenStack-API-Version";
    private static final Logger LOG = LoggerFactory.getLogger(ComputeApi.class);

    private final TokenHolder tokens;
    private final ComputeVersions versions;
    private final HttpTransport http;
    private final ObjectMapper json = new ObjectMapper();
    private final Set<URI> warnedNoVersionHeader = ConcurrentHashMap.newKeySet();

    ComputeApi(TokenHolder tokens, ComputeVersions versions, HttpTransport http) {
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.versions = requireNonNull(versions, "versions is null");
        this.http = requireNonNull(http, "http is null");
    }

    ComputeApiVersion version() {
        return versions.version(tokens.session());
    }

    JsonNode get(String path) {
        return parse(call("GET", path, null, ComputeApiVersion.REQUIRED), "GET " + path);
    }

    /** GET that needs at least {@code minimum}. */
    JsonNode get(String path, ComputeApiVersion minimum) {
        return parse(call("GET", path, null, minimum), "GET " + path);
    }

    void post(String path, JsonNode body, ComputeApiVersion minimum) {
        call("POST", path, body.toString(), minimum);
    }

    void delete(String path, ComputeApiVersion minimum) {
        call("DELETE", path, null, minimum);
    }

    private String call(String method, String path, String body, ComputeApiVersion minimum) {
        AuthSession session = tokens.session();
        HttpResponse<String> response = send(session, method, path, body, minimum);
        if (response.statusCode() == 401) {
            LOG.info("Nova answered 401 to {} {}; renewing the Keystone token once", method, path);
            session = tokens.renew(session);
            response = send(session, method, path, body, minimum);
        }
        String what = "Nova " + method + " " + session.computeEndpoint() + path;
        if (response.statusCode() >= 400) {
            throw NovaErrors.of(response.statusCode(), response.body(), what);
        }
        return response.body();
    }

    private HttpResponse<String> send(AuthSession session, String method, String path, String body, ComputeApiVersion minimum) {
        ComputeApiVersion version = versions.version(session);
        URI uri = URI.create(session.computeEndpoint() + path);
        String what = "Nova " + method + " " + uri;
        if (!version.atLeast(minimum)) {
            throw new NovaTooOldException("Nova at " + session.computeEndpoint() + " supports compute API up to " + version + "; " + method
                    + " " + path + " needs " + minimum);
        }
        HttpRequest.Builder request = http.request(uri).header("X-Auth-Token", session.tokenId()).header(VERSION_HEADER, version.header());
        if (body != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = http.send(request.build(), what);
        if (response.statusCode() < 400 && response.headers().firstValue(VERSION_HEADER).isEmpty()
                && warnedNoVersionHeader.add(session.computeEndpoint())) {
            // Nova always echoes the header; its absence means a proxy strips it or the endpoint ignores microversions
            LOG.warn("{} answered without an {} header; the reply may not be in compute API {}", what, VERSION_HEADER, version);
        }
        return response;
    }

    private JsonNode parse(String body, String what) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new NovaApiException(200, "answer is not JSON: " + e.getMessage(), "Nova " + what);
        }
    }
}
