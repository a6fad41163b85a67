package org.vtpcm.manager.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.ContentTooLargeResponse;
import io.javalin.json.JavalinJackson;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.manager.association.IllegalTransitionException;
import org.vtpcm.manager.association.MigrationMismatchException;
import org.vtpcm.manager.association.UnknownVtpcmException;
import org.vtpcm.manager.domain.InvalidDomainException;
import org.vtpcm.manager.engine.EngineException;
import org.vtpcm.manager.libvirt.LibvirtException;
import org.vtpcm.manager.migration.PlaintextRefusedException;
import org.vtpcm.manager.migration.TransferException;
import org.vtpcm.manager.tpcm.ControlDeniedException;
import org.vtpcm.protocol.pki.Role;

/**
 * The manager's REST API: JSON over HTTPS with mutual TLS only (TLS 1.3, client certificate from
 * the cloud CA required; there is no plain-HTTP listener). Every failure is a JSON {@link ApiError}
 * with a 4xx for bad input and a bare 500 without internals otherwise.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    /**
     * The roles whose certificates may open a connection at all; each endpoint then allows a
     * subset ({@link EndpointAccess}). Never QEMU's migration identity, never a dashboard (the panel
     * talks to the engine).
     */
    public static final Set<Role> ACCEPTED_ROLES = Set.of(Role.ENGINE, Role.NODE_MANAGER, Role.NOVA_COMPUTE, Role.OPERATOR);

    private final Javalin app;

    public ApiServer(String nodeName, String address, int port, long maxBodyBytes, SSLContext tls, ObjectMapper json,
            List<ApiRoutes> resources) {
        this(nodeName, address, port, maxBodyBytes, tls, org.vtpcm.protocol.tls.Revocations.NONE, json, resources);
    }

    /**
     * @param revocations asked again on every request: the handshake checks revocation too, but a
     *        kept-alive connection or a resumed TLS session carries a certificate revoked since
     */
    public ApiServer(String nodeName, String address, int port, long maxBodyBytes, SSLContext tls,
            org.vtpcm.protocol.tls.Revocations revocations, ObjectMapper json, List<ApiRoutes> resources) {
        requireNonNull(nodeName, "nodeName is null");
        requireNonNull(revocations, "revocations is null");
        requireNonNull(tls, "tls is null");
        requireNonNull(json, "json is null");
        this.app = Javalin.create(config -> {
            config.http.maxRequestSize = maxBodyBytes;
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jsonMapper(new JavalinJackson(json, false));
            config.jetty.addConnector((server, httpConfiguration) -> MutualTlsConnector.create(server, httpConfiguration, tls, address,
                    port));
            // refuse an oversized body from its Content-Length, before reading any of it
            config.routes.before(context -> {
                if (context.contentLength() > maxBodyBytes) {
                    throw new BodyTooLargeException();
                }
                if (ClientCertificate.leaf(context).filter(revocations::isRevoked).isPresent()) {
                    throw new RevokedException();
                }
            });
            // only for a path that names an endpoint: an unknown one stays 404 NO_SUCH_ENDPOINT for everyone
            config.routes.beforeMatched(context -> EndpointAccess.check(ClientCertificate.role(context),
                    ClientCertificate.commonName(context), nodeName, context.method().name(), context.path()));
            for (ApiRoutes resource : resources) {
                resource.register(config.routes);
            }
            config.routes.exception(BadRequestException.class, (e, context) -> error(context, 400, "BAD_REQUEST", e.getMessage()));
            config.routes.exception(RevokedException.class, (e, context) -> error(context, 403, "REVOKED",
                    "the client certificate is revoked"));
            config.routes.exception(ForbiddenException.class, (e, context) -> error(context, 403, "FORBIDDEN", e.getMessage()));
            config.routes.exception(InvalidDomainException.class, (e, context) -> error(context, 400, "INVALID_DOMAIN", e.getMessage()));
            config.routes.exception(UnknownVtpcmException.class, (e, context) -> error(context, 404, "NOT_FOUND", e.getMessage()));
            config.routes.exception(MigrationMismatchException.class, (e, context) -> error(context, 409, e.reason().name(),
                    e.getMessage()));
            config.routes.exception(PlaintextRefusedException.class, (e, context) -> error(context, 400, "PLAINTEXT_REFUSED",
                    e.getMessage()));
            config.routes.exception(IllegalTransitionException.class,
                    (e, context) -> error(context, 409, "ILLEGAL_TRANSITION", e.getMessage()));
            config.routes.exception(ControlDeniedException.class, (e, context) -> context.status(403)
                    .json(new ApiError("ACTIVE_CONTROL_DENIED", e.getMessage(), e.reasons())));
            config.routes.exception(BodyTooLargeException.class,
                    (e, context) -> error(context, 413, "BODY_TOO_LARGE", "the request body exceeds " + maxBodyBytes + " bytes"));
            config.routes.exception(ContentTooLargeResponse.class,
                    (e, context) -> error(context, 413, "BODY_TOO_LARGE", "the request body exceeds " + maxBodyBytes + " bytes"));
            config.routes.exception(org.vtpcm.collector.bundle.BundleRejectedException.class, (e, context) -> context.status(400)
                    .json(new ApiError("BUNDLE_REJECTED", e.getMessage(), List.of(e.reason().name()))));
            config.routes.exception(TransferException.class, (e, context) -> context.status(status(e.reason()))
                    .json(new ApiError(e.reason().name(), e.getMessage(), e.details())));
            config.routes.exception(LibvirtException.class, (e, context) -> error(context, 502, "LIBVIRT", e.getMessage()));
            config.routes.exception(EngineException.class, (e, context) -> error(context, 500, "TPM_ENGINE", e.getMessage()));
            config.routes.exception(Exception.class, (e, context) -> {
                LOG.error("unexpected failure of {} {}", context.method(), context.path(), e);
                error(context, 500, "INTERNAL", "internal error; see the manager's log");
            });
            config.routes.error(404, "*", context -> {
                // our NOT_FOUND answers carry a code already; Javalin's own answer means an unknown path
                if (!String.valueOf(context.result()).contains("\"code\"")) {
                    error(context, 404, "NO_SUCH_ENDPOINT", "no endpoint " + context.method() + " " + context.path());
                }
            });
            config.routes.error(405, "*", context -> error(context, 405, "METHOD_NOT_ALLOWED",
                    context.method() + " is not allowed on " + context.path()));
        });
        app.start();
        LOG.info("REST API listening on https://{}:{} (mutual TLS)", address, app.port());
    }

    public int port() {
        return app.port();
    }

    /** The caller's certificate was revoked after its connection's handshake. */
    private static final class RevokedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    /** Content-Length above the limit. */
    private static final class BodyTooLargeException extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    /** The status of each transfer failure: the caller's fault (4xx) or the destination manager's (502). */
    static int status(TransferException.Reason reason) {
        return switch (reason) {
            case SENDER_NOT_ALLOWED -> 403;
            case INVALID_CHUNK, BUNDLE_DIGEST_MISMATCH, SOURCE_KEY_REQUIRED -> 400;
            case BUNDLE_TOO_LARGE -> 413;
            case CHUNK_CONFLICT, CHUNKS_MISSING, NO_SOURCE_KEY, SOURCE_KEY_MISMATCH -> 409;
            case DESTINATION_REFUSED, DESTINATION_UNREACHABLE -> 502;
        };
    }

    private static void error(Context context, int status, String code, String message) {
        context.status(status).json(new ApiError(code, message, List.of()));
    }

    @Override
    public void close() {
        app.stop();
    }
}
