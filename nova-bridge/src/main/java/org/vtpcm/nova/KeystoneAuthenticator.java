package org.vtpcm.nova;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.openstack4j.core.transport.ObjectMapperSingleton;
import org.openstack4j.openstack.identity.v3.domain.KeystoneToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keystone v3 {@code POST /auth/tokens} with a password (project scoped) or an application credential. Done with the
 * JDK client rather than openstack4j because openstack4j 3.12 has no application-credential method; the response is
 * still parsed into openstack4j's token model so openstack4j calls can run from it.
 */
final class KeystoneAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(KeystoneAuthenticator.class);

    private final NovaSettings settings;
    private final HttpTransport http;
    private final ObjectMapper json = new ObjectMapper();

    KeystoneAuthenticator(NovaSettings settings, HttpTransport http) {
        this.settings = requireNonNull(settings, "settings is null");
        this.http = requireNonNull(http, "http is null");
    }

    AuthSession authenticate() {
        URI uri = URI.create(settings.authUrl() + "/auth/tokens");
        String what = "Keystone POST " + uri + " as " + settings.credentials();
        HttpRequest request = http.request(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body().toString())).build();
        HttpResponse<String> response = http.send(request, what);
        int status = response.statusCode();
        if (status == 401 || status == 403 || status == 404 && settings.credentials() instanceof NovaSettings.ApplicationCredential) {
            throw new NovaAuthException(what + ": HTTP " + status + ": " + NovaErrors.message(response.body()));
        }
        if (status >= 500) {
            throw new NovaUnavailableException(what + ": HTTP " + status + ": " + NovaErrors.message(response.body()));
        }
        if (status != 201 && status != 200) {
            throw new NovaAuthException(what + ": HTTP " + status + ": " + NovaErrors.message(response.body()));
        }
        String tokenId = response.headers().firstValue("X-Subject-Token")
                .orElseThrow(() -> new NovaAuthException(what + ": answer has no X-Subject-Token header"));
        AuthSession session = session(tokenId, response.body(), what);
        LOG.info("Keystone token for {} valid until {}, compute endpoint {}", settings.credentials(), session.expiresAt(),
                session.computeEndpoint());
        return session;
    }

    private AuthSession session(String tokenId, String body, String what) {
        JsonNode token;
        KeystoneToken openstack4jToken;
        try {
            token = json.readTree(body).path("token");
            openstack4jToken = ObjectMapperSingleton.getContext(KeystoneToken.class).readValue(body, KeystoneToken.class);
        } catch (IOException e) {
            throw new NovaAuthException(what + ": unreadable token: " + e.getMessage());
        }
        openstack4jToken.setId(tokenId);
        openstack4jToken.setEndpoint(settings.authUrl().toString());
        Instant expires;
        try {
            expires = Instant.parse(token.path("expires_at").asText());
        } catch (DateTimeParseException e) {
            throw new NovaAuthException(what + ": token without a valid expires_at");
        }
        return new AuthSession(tokenId, expires, computeEndpoint(token.path("catalog"), what), openstack4jToken);
    }

    /** The compute service's URL on the configured interface (and region, when set). */
    private URI computeEndpoint(JsonNode catalog, String what) {
        String wantedInterface = settings.endpointInterface().catalogName();
        List<String> seen = new ArrayList<>();
        for (JsonNode service : catalog) {
            if (!"compute".equals(service.path("type").asText())) {
                continue;
            }
            for (JsonNode endpoint : service.path("endpoints")) {
                String region = endpoint.path("region_id").asText(endpoint.path("region").asText());
                seen.add(endpoint.path("interface").asText() + "@" + region);
                boolean regionMatches = settings.region().map(wanted -> wanted.equals(region)).orElse(true);
                if (wantedInterface.equals(endpoint.path("interface").asText()) && regionMatches) {
                    return URI.create(endpoint.path("url").asText().replaceAll("/+$", ""));
                }
            }
        }
        throw new NovaException(what + ": the token's catalog has no compute endpoint with interface " + wantedInterface
                + settings.region().map(region -> " in region " + region).orElse("") + "; compute endpoints seen: " + seen);
    }

    private ObjectNode body() {
        ObjectNode auth = json.createObjectNode();
        ObjectNode identity = auth.putObject("auth").putObject("identity");
        if (settings.credentials() instanceof NovaSettings.ApplicationCredential application) {
            identity.putArray("methods").add("application_credential");
            identity.putObject("application_credential").put("id", application.id()).put("secret", application.secret());
        } else {
            NovaSettings.Password password = (NovaSettings.Password) settings.credentials();
            identity.putArray("methods").add("password");
            ObjectNode user = identity.putObject("password").putObject("user");
            user.put("name", password.username()).put("password", password.password());
            user.putObject("domain").put("name", password.userDomain());
            ObjectNode project = ((ObjectNode) auth.get("auth")).putObject("scope").putObject("project");
            project.put("name", password.project());
            project.putObject("domain").put("name", password.projectDomain());
        }
        return auth;
    }
}
