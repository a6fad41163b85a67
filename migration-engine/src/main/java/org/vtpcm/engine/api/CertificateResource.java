package org.vtpcm.engine.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Inject;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vtpcm.engine.certificates.CertificateRecord;
import org.vtpcm.engine.certificates.CertificateRegistry;
import org.vtpcm.engine.certificates.PublishedList;
import org.vtpcm.engine.certificates.RevocationPublisher;
import org.vtpcm.engine.hosts.NodeClients;
import org.vtpcm.service.rest.ApiRoutes;
import org.vtpcm.service.rest.BadRequestException;
import org.vtpcm.service.rest.NotFoundException;
import org.vtpcm.service.rest.Requests;

/**
 * The certificates the engine's CA issued and their revocation: {@code GET /v1/certificates},
 * {@code POST /v1/certificates/{serial}/revoke}, {@code POST /v1/hosts/{name}/revoke} (every
 * certificate of a node), {@code GET /v1/certificates/revocation-list} (the list's number and which
 * host holds which), and {@code GET /v1/revocations}, the list itself (DER). Every request made on a
 * connection whose client certificate was revoked since its handshake is refused (403 {@code REVOKED}).
 */
public final class CertificateResource implements ApiRoutes {
    /** The revocation list's media type (RFC 5280 section 4.2.1.13). */
    public static final String CRL_MEDIA_TYPE = "application/pkix-crl";
    private static final String NODE = "[A-Za-z0-9][A-Za-z0-9-]{0,62}";

    private final CertificateRegistry certificates;
    private final RevocationPublisher publisher;
    private final NodeClients nodes;
    private final ObjectMapper json;

    @Inject
    public CertificateResource(CertificateRegistry certificates, RevocationPublisher publisher, NodeClients nodes, ObjectMapper json) {
        this.certificates = requireNonNull(certificates, "certificates is null");
        this.publisher = requireNonNull(publisher, "publisher is null");
        this.nodes = requireNonNull(nodes, "nodes is null");
        this.json = requireNonNull(json, "json is null");
    }

    /** Body of the revoke calls; a host's reason may be left out. */
    public record RevokeRequest(String reason) {
    }

    /** Answer of {@code POST /v1/certificates/{serial}/revoke}. */
    public record Revoked(CertificateRecord certificate, BigInteger crlNumber) {
    }

    /** Answer of {@code POST /v1/hosts/{name}/revoke}: what was revoked now (empty when nothing was left). */
    public record HostRevoked(String node, List<CertificateRecord> revoked, BigInteger crlNumber) {
        public HostRevoked {
            revoked = List.copyOf(revoked);
        }
    }

    /** Answer of {@code GET /v1/certificates/revocation-list}: the current list, and the number each host's manager confirmed. */
    public record ListStatus(BigInteger number, Instant issuedAt, Instant nextUpdate, Map<String, BigInteger> hosts) {
        public ListStatus {
            hosts = Map.copyOf(hosts);
        }
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.get("/v1/certificates", this::list);
        routes.get("/v1/certificates/revocation-list", context -> {
            PublishedList list = certificates.current();
            context.json(new ListStatus(list.number(), list.issuedAt(), list.nextUpdate(), publisher.delivered()));
        });
        routes.post("/v1/certificates/{serial}/revoke", this::revoke);
        routes.post("/v1/hosts/{name}/revoke", this::revokeHost);
        routes.get("/v1/revocations", context -> context.contentType(CRL_MEDIA_TYPE).result(certificates.current().der()));
    }

    private void list(Context context) {
        Optional<String> node = Optional.ofNullable(context.queryParam("node"));
        if (node.isPresent() && !node.get().matches(NODE)) {
            throw new BadRequestException("node must be a host name");
        }
        context.json(Map.of("certificates", certificates.list(node)));
    }

    private void revoke(Context context) {
        String serial = context.pathParam("serial");
        RevokeRequest request = Requests.body(context, json, RevokeRequest.class);
        CertificateRecord revoked = certificates.revoke(serial, request.reason(), CallerRole.caller(context));
        context.json(new Revoked(revoked, certificates.current().number()));
    }

    private void revokeHost(Context context) {
        String name = context.pathParam("name");
        if (!name.matches(NODE)) {
            throw new BadRequestException("name must be a host name");
        }
        String reason = "node " + name + " revoked by an operator";
        if (context.bodyAsBytes().length > 0) {
            RevokeRequest request = Requests.body(context, json, RevokeRequest.class);
            reason = request.reason() == null ? reason : CertificateRegistry.reason(request.reason());
        }
        if (nodes.host(name).isEmpty() && certificates.list(Optional.of(name)).isEmpty()) {
            throw new NotFoundException("no host named '" + name + "' and no certificate of a node of that name");
        }
        List<CertificateRecord> revoked = certificates.revokeNode(name, reason, CallerRole.caller(context));
        context.json(new HostRevoked(name, revoked, certificates.current().number()));
    }
}
