package org.vtpcm.service.rest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.json.JavalinJackson;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running JSON-over-HTTPS API: one {@link HttpsListener}, a body size limit checked from the Content-Length before
 * any of the body is read (413 via Javalin's {@link ContentTooLargeResponse}, which services map to their code), the
 * services' filters and routes, and every failure answered through one {@link ErrorMapping}. An unknown path is 404
 * {@code NO_SUCH_ENDPOINT}, a known path with another method 405 {@code METHOD_NOT_ALLOWED}.
 */
public final class RestServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RestServer.class);

    private final Javalin app;

    private RestServer(Builder builder) {
        HttpsListener listener = builder.listener;
        ErrorMapping errors = builder.errors;
        long maxBodyBytes = builder.maxBodyBytes;
        this.app = Javalin.create(config -> {
            config.http.maxRequestSize = maxBodyBytes;
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jsonMapper(new JavalinJackson(builder.json, false));
            config.jetty.addConnector(listener::connector);
            config.routes.before(context -> {
                if (context.contentLength() > maxBodyBytes) {
                    throw new ContentTooLargeResponse();
                }
            });
            builder.before.forEach(config.routes::before);
            // only for a path that names an endpoint: an unknown path stays 404 NO_SUCH_ENDPOINT for everyone
            builder.beforeMatched.forEach(config.routes::beforeMatched);
            builder.routes.forEach(routes -> routes.register(config.routes));
            config.routes.exception(Exception.class, (e, context) -> answer(context, errors.answer(e, request(context))));
            // Javalin answers its own HTTP exceptions itself unless a handler names their class
            config.routes.exception(ContentTooLargeResponse.class, (e, context) -> answer(context, errors.answer(e, request(context))));
            config.routes.error(404, "*", context -> {
                // our own 404s carry a code already; Javalin's bare one means an unknown path
                if (!String.valueOf(context.result()).contains("\"code\"")) {
                    answer(context, ErrorMapping.Answer.of(404, "NO_SUCH_ENDPOINT", builder.noSuchEndpoint + "no endpoint "
                            + context.method() + " " + context.path()));
                }
            });
            config.routes.error(405, "*", context -> answer(context, ErrorMapping.Answer.of(405, "METHOD_NOT_ALLOWED",
                    context.method() + " is not allowed on " + context.path())));
        });
        app.start();
        LOG.info("{} listening on https://{}:{} ({})", builder.name, listener.address(), app.port(), listener.description());
    }

    /** @param name what the server is, for the log (e.g. "engine API") */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    public int port() {
        return app.port();
    }

    private static String request(Context context) {
        return context.method() + " " + context.path() + " from " + context.ip();
    }

    private static void answer(Context context, ErrorMapping.Answer answer) {
        answer.headers().forEach(context::header);
        context.status(answer.status()).json(answer.error());
    }

    @Override
    public void close() {
        app.stop();
    }

    public static final class Builder {
        private final String name;
        private HttpsListener listener;
        private long maxBodyBytes = 1 << 20;
        private ObjectMapper json;
        private ErrorMapping errors;
        private String noSuchEndpoint = "";
        private final List<Handler> before = new ArrayList<>();
        private final List<Handler> beforeMatched = new ArrayList<>();
        private final List<ApiRoutes> routes = new ArrayList<>();

        private Builder(String name) {
            this.name = requireNonNull(name, "name is null");
        }

        public Builder listener(HttpsListener listener) {
            this.listener = requireNonNull(listener, "listener is null");
            return this;
        }

        /** The largest request body accepted; larger ones get 413. */
        public Builder maxBodyBytes(long maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        public Builder json(ObjectMapper json) {
            this.json = requireNonNull(json, "json is null");
            return this;
        }

        public Builder errors(ErrorMapping errors) {
            this.errors = requireNonNull(errors, "errors is null");
            return this;
        }

        /** Runs before every request (after the size check), e.g. to identify the caller. */
        public Builder before(Handler handler) {
            before.add(requireNonNull(handler, "handler is null"));
            return this;
        }

        /** Runs before every request whose path names an endpoint, e.g. the endpoint's access check. */
        public Builder beforeMatched(Handler handler) {
            beforeMatched.add(requireNonNull(handler, "handler is null"));
            return this;
        }

        public Builder routes(List<? extends ApiRoutes> resources) {
            routes.addAll(resources);
            return this;
        }

        /** Words put before "no endpoint GET /x" in a 404 for an unknown path (e.g. what this port serves). */
        public Builder noSuchEndpointHint(String hint) {
            this.noSuchEndpoint = requireNonNull(hint, "hint is null");
            return this;
        }

        /** Starts listening. */
        public RestServer start() {
            requireNonNull(listener, "listener is not set");
            requireNonNull(json, "json is not set");
            requireNonNull(errors, "errors is not set");
            return new RestServer(this);
        }
    }
}
