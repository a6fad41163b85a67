package org.vtpcm.engine.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.ContentTooLargeResponse;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.engine.enrollment.EnrollmentRefusal;
import org.vtpcm.service.rest.ErrorMapping;
import org.vtpcm.service.rest.ErrorMapping.Answer;
import org.vtpcm.service.rest.HttpsListener;
import org.vtpcm.service.rest.RestServer;

/**
 * The node enrollment endpoint ({@code enrollment.port}): HTTPS (TLS 1.3) where clients have no
 * certificate, serving the enrollment exchange and nothing else; every other route of the engine
 * stays behind mutual TLS on {@link EngineApiServer}. Callers authenticate with a one-time token.
 * Bodies are small; failures are JSON {@link org.vtpcm.service.rest.ApiError}s, never a stack trace.
 */
public final class EnrollmentApiServer implements AutoCloseable {
    /** The exchange's bodies are a few KiB: EK and AK public areas, two public keys, some addresses. */
    public static final long MAX_BODY_BYTES = 16 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(EnrollmentApiServer.class);

    private final RestServer server;

    public EnrollmentApiServer(String address, int port, SSLContext tls, ObjectMapper json, EnrollmentExchangeResource exchange) {
        this.server = RestServer.builder("node enrollment endpoint")
                .listener(HttpsListener.serverTls(address, port, tls))
                .maxBodyBytes(MAX_BODY_BYTES)
                .json(json)
                .errors(ERRORS)
                .routes(List.of(exchange))
                .noSuchEndpointHint("this port serves only node enrollment (POST /v1/enrollment/challenge, /v1/enrollment/answer); ")
                .start();
    }

    static final ErrorMapping ERRORS = ErrorMapping.builder("engine")
            .mapWithRequest(EnrollmentRefusal.class, (e, request) -> {
                LOG.warn("enrollment refused ({} {}) for {}: {}", e.status(), e.code(), request, e.getMessage());
                Answer answer = Answer.of(e.status(), e.code(), e.getMessage());
                return e.status() == 401 ? answer.withHeader("WWW-Authenticate", "Bearer realm=\"vtpcm enrollment\"") : answer;
            })
            .map(ContentTooLargeResponse.class, e -> Answer.of(413, "TOO_LARGE", "the request body exceeds " + MAX_BODY_BYTES + " bytes"))
            .build();

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
