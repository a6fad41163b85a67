package org.vtpcm.engine.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.vtpcm.engine.certificates.CertificateRegistry;
import org.vtpcm.engine.config.EngineConfig;
import org.vtpcm.engine.config.HostConfig;
import org.vtpcm.engine.metrics.EngineMetrics;
import org.vtpcm.service.rest.ApiRoutes;

/**
 * The engine's two listeners and what they serve: the mutual-TLS API with every resource bound to {@link ApiRoutes},
 * and, when {@code enrollment.port} is set, the enrollment endpoint with the enrollment exchange alone.
 */
public final class EngineApi {
    private final EngineConfig config;
    private final SSLContext tls;
    private final CertificateRegistry certificates;
    private final ObjectMapper json;
    private final List<ApiRoutes> resources;
    private final EnrollmentExchangeResource enrollment;
    private final EngineMetrics metrics;

    @Inject
    public EngineApi(EngineConfig config, @Named(TlsContexts.API) SSLContext tls, CertificateRegistry certificates, ObjectMapper json,
            Set<ApiRoutes> resources, EnrollmentExchangeResource enrollment, EngineMetrics metrics) {
        this.config = requireNonNull(config, "config is null");
        this.tls = requireNonNull(tls, "tls is null");
        this.certificates = requireNonNull(certificates, "certificates is null");
        this.json = requireNonNull(json, "json is null");
        this.resources = List.copyOf(resources);
        this.enrollment = requireNonNull(enrollment, "enrollment is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
    }

    /** Serves the API; the registry is asked on every request whether the caller's certificate was revoked since its handshake. */
    public EngineApiServer startApi() {
        Set<String> nodeNames = config.hosts().stream().map(HostConfig::name).collect(Collectors.toSet());
        return new EngineApiServer(config.apiAddress(), config.apiPort(), config.apiMaxBodyBytes(), tls, certificates, json, nodeNames,
                resources, metrics::scrape);
    }

    /** Serves node enrollment, unless it is disabled. */
    public Optional<EnrollmentApiServer> startEnrollment() {
        // nodes without a certificate yet enroll here: a listener of its own, serving nothing else
        return config.enrollmentEndpoint().map(endpoint -> new EnrollmentApiServer(config.apiAddress(), config.enrollmentPort(), tls, json,
                enrollment));
    }
}
