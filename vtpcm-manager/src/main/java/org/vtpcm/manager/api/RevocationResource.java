package org.vtpcm.manager.api;

import org.vtpcm.nodeapi.NodePaths;
import org.vtpcm.nodeapi.RevocationStatus;

import static java.util.Objects.requireNonNull;

import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.protocol.tls.RevocationList;
import org.vtpcm.service.rest.ApiError;
import org.vtpcm.service.rest.ApiRoutes;
import org.vtpcm.service.rest.BadRequestException;

/**
 * The cloud CA's revocation list on this node: the engine pushes each new list (DER, {@code
 * application/pkix-crl}); every later TLS handshake of this manager, in and out, checks it.
 * Only a list the CA signed, and not older than the held one, is installed.
 */
public final class RevocationResource implements ApiRoutes {
    /** A CRL of thousands of serials is well below this. */
    static final int MAX_BYTES = 1 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(RevocationResource.class);

    private final RevocationList revocations;

    public RevocationResource(RevocationList revocations) {
        this.revocations = requireNonNull(revocations, "revocations is null");
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.put(NodePaths.REVOCATIONS, this::install);
        routes.get(NodePaths.REVOCATIONS, this::current);
    }

    private void install(Context context) {
        byte[] der = context.bodyAsBytes();
        if (der.length == 0 || der.length > MAX_BYTES) {
            throw new BadRequestException("the body must be a DER-encoded CRL of at most " + MAX_BYTES + " bytes");
        }
        boolean installed;
        try {
            installed = revocations.install(der);
        } catch (IllegalArgumentException e) {
            context.status(400).json(new ApiError("REVOCATION_LIST_REJECTED", e.getMessage(), List.of()));
            return;
        }
        if (installed) {
            LOG.info("installed the cloud CA's revocation list number {}", revocations.number());
        }
        context.json(new RevocationStatus(revocations.number().toString(), installed));
    }

    private void current(Context context) {
        byte[] der = revocations.encoded().orElse(null);
        if (der == null) {
            context.status(404).json(new ApiError("NOT_FOUND", "no revocation list has been installed on this node", List.of()));
            return;
        }
        context.contentType(NodePaths.CRL_MEDIA_TYPE).result(der);
    }
}
