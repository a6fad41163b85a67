package org.vtpcm.engine.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.ContentTooLargeResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.vtpcm.engine.attestation.AttestationException;
import org.vtpcm.engine.errors.Refusal;
import org.vtpcm.engine.hosts.UnknownHostException;
import org.vtpcm.engine.journal.VmAlreadyMigratingException;
import org.vtpcm.engine.nova.NovaModeException;
import org.vtpcm.engine.protocol.NovaRefusedException;
import org.vtpcm.engine.protocol.PastSwitchoverException;
import org.vtpcm.engine.protocol.UnknownMigrationException;
import org.vtpcm.engine.protocol.UnknownVmException;
import org.vtpcm.engine.target.NoTargetException;
import org.vtpcm.nodeapi.ManagerClientException;
import org.vtpcm.protocol.pki.Role;
import org.vtpcm.protocol.tls.Revocations;
import org.vtpcm.service.rest.ApiRoutes;
import org.vtpcm.service.rest.ErrorMapping;
import org.vtpcm.service.rest.ErrorMapping.Answer;
import org.vtpcm.service.rest.HttpsListener;
import org.vtpcm.service.rest.RestServer;

/**
 * The engine's REST API: JSON over HTTPS with mutual TLS 1.3 only. Every endpoint allows the roles
 * {@link EndpointAccess} lists for it, read from the caller's certificate; a node's certificate may
 * read the health and the revocation list, nothing else. Failures are JSON
 * {@link org.vtpcm.service.rest.ApiError}s ({@link #errors}).
 */
public final class EngineApiServer implements AutoCloseable {
    /**
     * The roles whose certificates may open a connection to the engine's API at all; each endpoint
     * then allows a subset (nodes only the health check). Never QEMU's migration identity.
     */
    public static final Set<Role> ACCEPTED_ROLES = Set.of(Role.OPERATOR, Role.DASHBOARD, Role.NOVA_COMPUTE, Role.NODE_MANAGER);

    private final RestServer server;

    /**
     * @param revocations asked again on every request: the handshake checks revocation too, but a
     *        kept-alive connection or a resumed TLS session carries a certificate revoked since
     */
    public EngineApiServer(String address, int port, long maxBodyBytes, SSLContext tls, Revocations revocations, ObjectMapper json,
            Set<String> nodeNames, List<? extends ApiRoutes> resources, Supplier<String> metrics) {
        requireNonNull(revocations, "revocations is null");
        List<ApiRoutes> routes = new ArrayList<>();
        routes.add(api -> {
            api.get("/v1/health", context -> context.json(Map.of("status", "ok")));
            api.get("/metrics", context -> context.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.get()));
        });
        routes.addAll(resources);
        this.server = RestServer.builder("engine API")
                .listener(HttpsListener.mutualTls(address, port, tls))
                .maxBodyBytes(maxBodyBytes)
                .json(json)
                .errors(errors(maxBodyBytes))
                .before(context -> CallerRole.identify(context, nodeNames, revocations))
                // only for a path that names an endpoint: an unknown path stays 404, a known one not in the table is denied
                .beforeMatched(CallerRole::check)
                .routes(routes)
                .start();
    }

    /** The engine's answer to each failure. */
    static ErrorMapping errors(long maxBodyBytes) {
        return ErrorMapping.builder("engine")
                .map(NovaModeException.class, e -> Answer.of(e.status(), e.code(), e.getMessage()))
                .map(NovaRefusedException.class, e -> Answer.of(409, e.code(), e.getMessage(),
                        List.of("migration " + e.record().id() + " " + e.record().phase())))
                .map(UnknownMigrationException.class, 404, "NOT_FOUND")
                .map(UnknownVmException.class, 404, "NOT_FOUND")
                .map(UnknownHostException.class, 404, "NOT_FOUND")
                .map(VmAlreadyMigratingException.class, 409, "CONFLICT")
                // certificate, enrollment-token and policy refusals: each carries its status and code
                .map(Refusal.class, e -> Answer.of(e.status(), e.code(), e.getMessage()))
                .map(PastSwitchoverException.class, 409, "PAST_SWITCHOVER")
                .map(NoTargetException.class, e -> Answer.of(409, "NO_TARGET", e.getMessage(),
                        e.rejected().stream().map(r -> r.host() + ": " + r.reason()).toList()))
                .map(AttestationException.class, 409, "UNTRUSTED")
                .map(ManagerClientException.class, e -> Answer.of(e.status() == 0 ? 503 : 502,
                        e.status() == 0 ? "UNREACHABLE" : "NODE_ERROR", e.getMessage()))
                .map(ContentTooLargeResponse.class, e -> Answer.of(413, "TOO_LARGE", "the request body exceeds " + maxBodyBytes + " bytes"))
                .build();
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
