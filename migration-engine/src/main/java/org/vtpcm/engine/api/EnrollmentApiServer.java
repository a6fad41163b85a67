package org.vtpcm.engine.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.engine.enrollment.EnrollmentRefusal;

/**
 * The node enrollment endpoint ({@code enrollment.port}): HTTPS (TLS 1.3) where clients have no
 * certificate, serving the enrollment exchange and nothing else; every other route of the engine
 * stays behind mutual TLS on {@link EngineApiServer}. Callers authenticate with a one-time token.
 * Bodies are small; failures are JSON {@link ApiError}s, never a stack trace.
 */
public final class EnrollmentApiServer implements AutoCloseable {
    /** The exchange's bodies are a few KiB: EK and AK public areas, two public keys, some addresses. */
    public static final long MAX_BODY_BYTES = 16 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(EnrollmentApiServer.class);

    private final Javalin app;

    public EnrollmentApiServer(String address, int port, SSLContext tls, ObjectMapper json, EnrollmentExchangeResource exchange) {
        requireNonNull(tls, "tls is null");
        requireNonNull(exchange, "exchange is null");
        this.app = Javalin.create(config -> {
            config.http.maxRequestSize = MAX_BODY_BYTES;
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jsonMapper(new JavalinJackson(json, false));
            config.jetty.addConnector((server, httpConfiguration) -> ServerTlsConnector.create(server, httpConfiguration, tls, address,
                    port));
            config.routes.before(context -> {
                if (context.contentLength() > MAX_BODY_BYTES) {
                    throw new ContentTooLargeResponse();
                }
            });
            exchange.register(config.routes);
            config.routes.exception(EnrollmentRefusal.class, (e, context) -> {
                LOG.warn("enrollment refused ({} {}) for {}: {}", e.status(), e.code(), context.ip(), e.getMessage());
                if (e.status() == 401) {
                    context.header("WWW-Authenticate", "Bearer realm=\"vtpcm enrollment\"");
                }
                error(context, e.status(), e.code(), e.getMessage());
            });
            config.routes.exception(BadRequestException.class, (e, context) -> error(context, 400, "BAD_REQUEST", e.getMessage()));
            config.routes.exception(ContentTooLargeResponse.class,
                    (e, context) -> error(context, 413, "TOO_LARGE", "the request body exceeds " + MAX_BODY_BYTES + " bytes"));
            config.routes.exception(Exception.class, (e, context) -> {
                LOG.error("unexpected failure of {} {}", context.method(), context.path(), e);
                error(context, 500, "INTERNAL", "internal error; see the engine's log");
            });
            config.routes.error(404, "*", context -> {
                if (!String.valueOf(context.result()).contains("\"code\"")) {
                    error(context, 404, "NO_SUCH_ENDPOINT", "this port serves only node enrollment (POST /v1/enrollment/challenge, "
                            + "/v1/enrollment/answer); no endpoint " + context.method() + " " + context.path());
                }
            });
            config.routes.error(405, "*", context -> error(context, 405, "METHOD_NOT_ALLOWED",
                    context.method() + " is not allowed on " + context.path()));
        });
        app.start();
        LOG.info("node enrollment endpoint listening on https://{}:{} (TLS, tokens, no client certificates)", address, app.port());
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
