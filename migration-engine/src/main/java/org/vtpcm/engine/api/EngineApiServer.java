package org.vtpcm.engine.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.engine.attestation.AttestationException;
import org.vtpcm.engine.hosts.UnknownHostException;
import org.vtpcm.engine.journal.VmAlreadyMigratingException;
import org.vtpcm.engine.protocol.NovaRefusedException;
import org.vtpcm.engine.protocol.PastSwitchoverException;
import org.vtpcm.engine.protocol.UnknownMigrationException;
import org.vtpcm.engine.protocol.UnknownVmException;
import org.vtpcm.engine.target.NoTargetException;
import org.vtpcm.nodeapi.ManagerClientException;

/**
 * The engine's REST API: JSON over HTTPS with mutual TLS 1.3 only. Every endpoint allows the roles
 * {@link EndpointAccess} lists for it, read from the caller's certificate; a node's certificate may
 * read the health and the revocation list, nothing else. Failures are JSON {@link ApiError}.
 */
public final class EngineApiServer implements AutoCloseable {
    /**
     * The roles whose certificates may open a connection to the engine's API at all; each endpoint
     * then allows a subset (nodes only the health check). Never QEMU's migration identity.
     */
    public static final java.util.Set<org.vtpcm.protocol.pki.Role> ACCEPTED_ROLES = java.util.Set.of(
            org.vtpcm.protocol.pki.Role.OPERATOR, org.vtpcm.protocol.pki.Role.DASHBOARD, org.vtpcm.protocol.pki.Role.NOVA_COMPUTE,
            org.vtpcm.protocol.pki.Role.NODE_MANAGER);

    private static final Logger LOG = LoggerFactory.getLogger(EngineApiServer.class);

    private final Javalin app;

    /**
     * @param revocations asked again on every request: the handshake checks revocation too, but a
     *        kept-alive connection or a resumed TLS session carries a certificate revoked since
     */
    public EngineApiServer(String address, int port, long maxBodyBytes, SSLContext tls, org.vtpcm.protocol.tls.Revocations revocations,
            ObjectMapper json, Set<String> nodeNames, List<ApiRoutes> resources, Supplier<String> metrics) {
        requireNonNull(tls, "tls is null");
        requireNonNull(revocations, "revocations is null");
        this.app = Javalin.create(config -> {
            config.http.maxRequestSize = maxBodyBytes;
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jsonMapper(new JavalinJackson(json, false));
            config.jetty.addConnector((server, httpConfiguration) -> MutualTlsConnector.create(server, httpConfiguration, tls, address,
                    port));
            config.routes.before(context -> {
                if (context.contentLength() > maxBodyBytes) {
                    throw new ContentTooLargeResponse();
                }
                CallerRole.identify(context, nodeNames, revocations);
            });
            // only for a path that names an endpoint: an unknown path stays 404, a known one not in the table is denied
            config.routes.beforeMatched(CallerRole::check);
            config.routes.get("/v1/health", context -> context.json(java.util.Map.of("status", "ok")));
            config.routes.get("/metrics", context -> context.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.get()));
            for (ApiRoutes resource : resources) {
                resource.register(config.routes);
            }
            config.routes.exception(BadRequestException.class, (e, context) -> error(context, 400, "BAD_REQUEST", e.getMessage()));
            config.routes.exception(CallerRole.Forbidden.class, (e, context) -> error(context, 403, "FORBIDDEN", e.getMessage()));
            config.routes.exception(org.vtpcm.engine.nova.NovaModeException.class, (e, context) -> error(context, e.status(), e.code(),
                    e.getMessage()));
            config.routes.exception(NovaRefusedException.class, (e, context) -> context.status(409).json(new ApiError(e.code(),
                    e.getMessage(), List.of("migration " + e.record().id() + " " + e.record().phase()))));
            config.routes.exception(NotFoundException.class, (e, context) -> error(context, 404, "NOT_FOUND", e.getMessage()));
            config.routes.exception(UnknownMigrationException.class, (e, context) -> error(context, 404, "NOT_FOUND", e.getMessage()));
            config.routes.exception(UnknownVmException.class, (e, context) -> error(context, 404, "NOT_FOUND", e.getMessage()));
            config.routes.exception(UnknownHostException.class, (e, context) -> error(context, 404, "NOT_FOUND", e.getMessage()));
            config.routes.exception(VmAlreadyMigratingException.class, (e, context) -> error(context, 409, "CONFLICT", e.getMessage()));
            // certificate, enrollment-token and policy refusals: each carries its status and code
            config.routes.exception(org.vtpcm.engine.errors.Refusal.class, (e, context) -> error(context, e.status(), e.code(),
                    e.getMessage()));
            config.routes.exception(PastSwitchoverException.class,
                    (e, context) -> error(context, 409, "PAST_SWITCHOVER", e.getMessage()));
            config.routes.exception(NoTargetException.class, (e, context) -> context.status(409).json(new ApiError("NO_TARGET",
                    e.getMessage(), e.rejected().stream().map(r -> r.host() + ": " + r.reason()).toList())));
            config.routes.exception(AttestationException.class, (e, context) -> error(context, 409, "UNTRUSTED", e.getMessage()));
            config.routes.exception(ManagerClientException.class, (e, context) -> error(context, e.status() == 0 ? 503 : 502,
                    e.status() == 0 ? "UNREACHABLE" : "NODE_ERROR", e.getMessage()));
            config.routes.exception(ContentTooLargeResponse.class,
                    (e, context) -> error(context, 413, "TOO_LARGE", "the request body exceeds " + maxBodyBytes + " bytes"));
            config.routes.exception(Exception.class, (e, context) -> {
                LOG.error("unexpected failure of {} {}", context.method(), context.path(), e);
                error(context, 500, "INTERNAL", "internal error; see the engine's log");
            });
            config.routes.error(404, "*", context -> {
                if (!String.valueOf(context.result()).contains("\"code\"")) {
                    error(context, 404, "NO_SUCH_ENDPOINT", "no endpoint " + context.method() + " " + context.path());
                }
            });
            config.routes.error(405, "*", context -> error(context, 405, "METHOD_NOT_ALLOWED",
                    context.method() + " is not allowed on " + context.path()));
        });
        app.start();
        LOG.info("engine API listening on https://{}:{} (mutual TLS)", address, app.port());
    }

    public int port() {
        return app.port();
    }

    private static void error(Context context, int status, String code, String message) {
        context.status(status).json(new ApiError(code, message, List.of()));
    }

    @Override
    public void close() {
        app.stop();
    }
}
