package org.vtpcm.manager.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.ContentTooLargeResponse;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.vtpcm.collector.bundle.BundleRejectedException;
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
import org.vtpcm.protocol.tls.Revocations;
import org.vtpcm.service.rest.ApiRoutes;
import org.vtpcm.service.rest.ErrorMapping;
import org.vtpcm.service.rest.ErrorMapping.Answer;
import org.vtpcm.service.rest.HttpsListener;
import org.vtpcm.service.rest.RestServer;

/**
 * The manager's REST API: JSON over HTTPS with mutual TLS only (TLS 1.3, client certificate from the cloud CA required;
 * there is no plain-HTTP listener). Every failure is a JSON {@link org.vtpcm.service.rest.ApiError} with a 4xx for bad
 * input and a bare 500 without internals otherwise ({@link #ERRORS}).
 */
public final class ApiServer implements AutoCloseable {
    /**
     * The roles whose certificates may open a connection at all; each endpoint then allows a
     * subset ({@link EndpointAccess}). Never QEMU's migration identity, never a dashboard (the panel
     * talks to the engine).
     */
    public static final Set<Role> ACCEPTED_ROLES = Set.of(Role.ENGINE, Role.NODE_MANAGER, Role.NOVA_COMPUTE, Role.OPERATOR);

    private final RestServer server;

    public ApiServer(String nodeName, String address, int port, long maxBodyBytes, SSLContext tls, ObjectMapper json,
            List<? extends ApiRoutes> resources) {
        this(nodeName, address, port, maxBodyBytes, tls, Revocations.NONE, json, resources);
    }

    /**
     * @param revocations asked again on every request: the handshake checks revocation too, but a
     *        kept-alive connection or a resumed TLS session carries a certificate revoked since
     */
    public ApiServer(String nodeName, String address, int port, long maxBodyBytes, SSLContext tls, Revocations revocations,
            ObjectMapper json, List<? extends ApiRoutes> resources) {
        requireNonNull(nodeName, "nodeName is null");
        requireNonNull(revocations, "revocations is null");
        this.server = RestServer.builder("REST API")
                .listener(HttpsListener.mutualTls(address, port, tls))
                .maxBodyBytes(maxBodyBytes)
                .json(json)
                .errors(errors(maxBodyBytes))
                .before(context -> {
                    if (ClientCertificate.leaf(context).filter(revocations::isRevoked).isPresent()) {
                        throw new RevokedException();
                    }
                })
                .beforeMatched(context -> EndpointAccess.check(ClientCertificate.role(context), ClientCertificate.commonName(context),
                        nodeName, context.method().name(), context.path()))
                .routes(resources)
                .start();
    }

    /** The manager's answer to each failure. */
    static ErrorMapping errors(long maxBodyBytes) {
        return ErrorMapping.builder("manager")
                .map(RevokedException.class, e -> Answer.of(403, "REVOKED", "the client certificate is revoked"))
                .map(InvalidDomainException.class, 400, "INVALID_DOMAIN")
                .map(UnknownVtpcmException.class, 404, "NOT_FOUND")
                .map(MigrationMismatchException.class, e -> Answer.of(409, e.reason().name(), e.getMessage()))
                .map(PlaintextRefusedException.class, 400, "PLAINTEXT_REFUSED")
                .map(IllegalTransitionException.class, 409, "ILLEGAL_TRANSITION")
                .map(ControlDeniedException.class, e -> Answer.of(403, "ACTIVE_CONTROL_DENIED", e.getMessage(), e.reasons()))
                .map(ContentTooLargeResponse.class, e -> Answer.of(413, "BODY_TOO_LARGE",
                        "the request body exceeds " + maxBodyBytes + " bytes"))
                .map(BundleRejectedException.class, e -> Answer.of(400, "BUNDLE_REJECTED", e.getMessage(), List.of(e.reason().name())))
                .map(TransferException.class, e -> Answer.of(status(e.reason()), e.reason().name(), e.getMessage(), e.details()))
                .map(LibvirtException.class, 502, "LIBVIRT")
                .map(EngineException.class, 500, "TPM_ENGINE")
                .build();
    }

    public int port() {
        return server.port();
    }

    /** The caller's certificate was revoked after its connection's handshake. */
    private static final class RevokedException extends RuntimeException {
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

    @Override
    public void close() {
        server.close();
    }
}
