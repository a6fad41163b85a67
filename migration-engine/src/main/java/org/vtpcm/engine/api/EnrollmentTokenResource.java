package org.vtpcm.engine.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Inject;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.vtpcm.engine.config.EngineConfig;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.engine.enrollment.EnrollmentRefusal;
import org.vtpcm.engine.enrollment.EnrollmentTokens;
import org.vtpcm.engine.enrollment.IssuedToken;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.tls.PinnedCaTls;
import org.vtpcm.service.rest.ApiRoutes;
import org.vtpcm.service.rest.BadRequestException;
import org.vtpcm.service.rest.NotFoundException;
import org.vtpcm.service.rest.Requests;

/**
 * {@code /v1/enrollment-tokens}: operators issue, list and revoke one-time node enrollment tokens
 * (operators only: {@link EndpointAccess}). A token is shown once, in the
 * answer to its {@code POST}; lists never carry it.
 */
public final class EnrollmentTokenResource implements ApiRoutes {
    /** Node names a token can never be for: the engine's own certificate name. */
    private static final Set<String> RESERVED = Set.of("vtpcm-engine");

    private final EnrollmentTokens tokens;
    private final Set<String> hostNames;
    private final Optional<URI> endpoint;
    private final String caFingerprint;
    private final ObjectMapper json;

    /** Tokens for the configured hosts, to enroll at the configured endpoint with the engine's CA. */
    @Inject
    public EnrollmentTokenResource(EnrollmentTokens tokens, EngineConfig config, CloudCa ca, ObjectMapper json) {
        this(tokens, config.hosts().stream().map(HostConfig::name).collect(java.util.stream.Collectors.toSet()), config.enrollmentEndpoint(),
                PinnedCaTls.fingerprint(ca.certificate()), json);
    }

    /**
     * @param endpoint where nodes enroll; empty when {@code enrollment.port} is 0 (issuing answers 409)
     * @param caFingerprint the cloud CA's {@code sha256:} fingerprint, for the node's {@code --ca-fingerprint}
     */
    public EnrollmentTokenResource(EnrollmentTokens tokens, Set<String> hostNames, Optional<URI> endpoint, String caFingerprint,
            ObjectMapper json) {
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.hostNames = Set.copyOf(hostNames);
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
        this.caFingerprint = requireNonNull(caFingerprint, "caFingerprint is null");
        this.json = requireNonNull(json, "json is null");
    }

    /** Body of POST. */
    public record IssueRequest(String node, Long ttlSeconds) {
    }

    /** Answer of POST: the token, this once, and what the node needs besides. */
    public record IssueResponse(String id, String node, String token, Instant createdAt, Instant expiresAt, String enrollmentUrl,
            String caFingerprint) {
        @Override
        public String toString() {
            return "IssueResponse[id=" + id + ", node=" + node + "]";
        }
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.post("/v1/enrollment-tokens", this::issue);
        routes.get("/v1/enrollment-tokens", context -> context.json(Map.of("tokens", tokens.list())));
        routes.delete("/v1/enrollment-tokens/{id}", this::revoke);
    }

    private void issue(Context context) {
        IssueRequest request = Requests.body(context, json, IssueRequest.class);
        String node = request.node() == null ? "" : request.node().trim();
        if (node.isEmpty()) {
            throw new BadRequestException("node is required");
        }
        if (RESERVED.contains(node)) {
            throw new BadRequestException("'" + node + "' is the engine's own name, not a node's");
        }
        if (!hostNames.contains(node)) {
            throw new NotFoundException("no host named '" + node + "' in the engine's hosts; add it to the configuration first");
        }
        URI url = endpoint.orElseThrow(() -> new EnrollmentRefusal(409, "ENROLLMENT_DISABLED",
                "node enrollment is disabled: set enrollment.port in the engine's configuration"));
        long ttl = request.ttlSeconds() == null ? EnrollmentTokens.DEFAULT_TTL.toSeconds() : request.ttlSeconds();
        IssuedToken issued;
        try {
            issued = tokens.issue(node, Duration.ofSeconds(ttl), CallerRole.caller(context));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
        context.status(201).json(new IssueResponse(issued.id(), issued.node(), issued.token(), issued.createdAt(), issued.expiresAt(),
                url.toString(), caFingerprint));
    }

    private void revoke(Context context) {
        String id = context.pathParam("id");
        if (!id.matches("[0-9a-f]{12}")) {
            throw new BadRequestException("id must be a token id (12 hex digits)");
        }
        switch (tokens.revoke(id, CallerRole.caller(context))) {
            case UNKNOWN -> throw new NotFoundException("no enrollment token " + id);
            case ALREADY_USED -> throw new EnrollmentRefusal(409, "TOKEN_USED", "enrollment token " + id + " was used already");
            case REVOKED -> context.status(204);
        }
    }
}
