package org.vtpcm.nova;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Negotiates the compute microversion once per endpoint from its version document ({@code GET /v2.1/}): the lower of
 * {@link ComputeApiVersion#WANTED} and Nova's maximum, refusing a Nova below {@link ComputeApiVersion#REQUIRED}.
 */
final class ComputeVersions {
    private static final Logger LOG = LoggerFactory.getLogger(ComputeVersions.class);

    private final HttpTransport http;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<URI, ComputeApiVersion> negotiated = new ConcurrentHashMap<>();

    ComputeVersions(HttpTransport http) {
        this.http = requireNonNull(http, "http is null");
    }

    ComputeApiVersion version(AuthSession session) {
        URI endpoint = session.computeEndpoint();
        ComputeApiVersion known = negotiated.get(endpoint);
        if (known != null) {
            return known;
        }
        ComputeApiVersion version = negotiate(versionDocument(endpoint), session.tokenId());
        negotiated.putIfAbsent(endpoint, version);
        return version;
    }

    /** {@code http://h:8774/v2.1/<project>} and {@code http://h:8774/v2.1} both have their version document at {@code http://h:8774/v2.1/}. */
    static URI versionDocument(URI endpoint) {
        String text = endpoint.toString();
        int at = text.indexOf("/v2.1");
        return URI.create((at < 0 ? text.replaceAll("/+$", "") : text.substring(0, at + "/v2.1".length())) + "/");
    }

    private ComputeApiVersion negotiate(URI document, String tokenId) {
        String what = "Nova GET " + document;
        HttpResponse<String> response = http.send(http.request(document).header("X-Auth-Token", tokenId).GET().build(), what);
        if (response.statusCode() != 200) {
            throw NovaErrors.of(response.statusCode(), response.body(), what);
        }
        JsonNode version;
        try {
            version = json.readTree(response.body()).path("version");
        } catch (IOException e) {
            throw new NovaApiException(response.statusCode(), "version document is not JSON: " + e.getMessage(), what);
        }
        ComputeApiVersion chosen = choose(document, version.path("version").asText(""), version.path("min_version").asText(""));
        LOG.info("Nova at {} offers compute API {} to {}; using {}", document, version.path("min_version").asText(),
                version.path("version").asText(), chosen);
        return chosen;
    }

    /** The decision alone, from the two fields of the version document ("" when absent). */
    static ComputeApiVersion choose(URI document, String max, String min) {
        if (max.isEmpty()) {
            // a v2.0 (pre-microversion) endpoint answers without version/min_version
            throw new NovaTooOldException("Nova at " + document + " announces no compute microversions (a v2.0 API?); vtpcm needs "
                    + ComputeApiVersion.REQUIRED);
        }
        ComputeApiVersion serverMax;
        ComputeApiVersion serverMin;
        try {
            serverMax = ComputeApiVersion.parse(max);
            serverMin = min.isEmpty() ? serverMax : ComputeApiVersion.parse(min);
        } catch (IllegalArgumentException e) {
            throw new NovaApiException(200, "unreadable version document: " + e.getMessage(), "Nova GET " + document);
        }
        if (!serverMax.atLeast(ComputeApiVersion.REQUIRED)) {
            throw new NovaTooOldException("Nova at " + document + " supports compute API up to " + serverMax + "; vtpcm needs "
                    + ComputeApiVersion.REQUIRED);
        }
        ComputeApiVersion chosen = serverMax.atLeast(ComputeApiVersion.WANTED) ? ComputeApiVersion.WANTED : serverMax;
        if (serverMin.compareTo(chosen) > 0) {
            throw new NovaException("Nova at " + document + " requires compute API " + serverMin + " or later; vtpcm speaks "
                    + ComputeApiVersion.REQUIRED + " to " + ComputeApiVersion.WANTED);
        }
        return chosen;
    }
}
