package org.vtpcm.manager.api;

import org.vtpcm.nodeapi.NodePaths;
import org.vtpcm.nodeapi.NodePaths.Hook;
import org.vtpcm.nodeapi.StageChunksRequest;
import org.vtpcm.nodeapi.ChunkView;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.UUID;
import org.vtpcm.manager.migration.BundleSpool;
import org.vtpcm.manager.migration.ChunkedBundleReceiver;
import org.vtpcm.manager.migration.Sha256;
import org.vtpcm.manager.migration.TransferException;
import org.vtpcm.service.rest.ApiRoutes;
import org.vtpcm.service.rest.BadRequestException;
import org.vtpcm.service.rest.Requests;

/**
 * Destination: the source manager uploads a state bundle in chunks (PUT .../bundle/chunks/{index},
 * octet-stream), then asks for it to be staged (POST .../stage-chunks). Only the source node that
 * prepare-incoming named may call them.
 */
public final class BundleReceiveResource implements ApiRoutes {
    private final ChunkedBundleReceiver receiver;
    private final ObjectMapper json;

    public BundleReceiveResource(ChunkedBundleReceiver receiver, ObjectMapper json) {
        this.receiver = requireNonNull(receiver, "receiver is null");
        this.json = requireNonNull(json, "json is null");
    }



    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.put(NodePaths.CHUNK_ROUTE, this::chunk);
        routes.post(Hook.STAGE_CHUNKS.route(), this::stageChunks);
    }

    private void chunk(Context context) {
        UUID migrationId = Requests.uuid(context, "migrationId");
        int index = (int) number(context.pathParam("index"), "chunk index", Integer.MAX_VALUE);
        String type = context.contentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/octet-stream")) {
            throw new BadRequestException("a chunk must be sent as application/octet-stream");
        }
        int count = (int) number(context.header("X-Chunk-Count"), "X-Chunk-Count", Integer.MAX_VALUE);
        long length = number(context.header("X-Bundle-Length"), "X-Bundle-Length", Long.MAX_VALUE);
        byte[] sha256 = Requests.hex(context.header("X-Chunk-Sha256"), "X-Chunk-Sha256", Sha256.BYTES, Sha256.BYTES);
        if (context.contentLength() > ChunkedBundleReceiver.MAX_CHUNK_BYTES) {
            throw new TransferException(TransferException.Reason.BUNDLE_TOO_LARGE, "a chunk may have at most "
                    + ChunkedBundleReceiver.MAX_CHUNK_BYTES + " bytes (Content-Length " + context.contentLength() + ")");
        }
        byte[] chunk = context.bodyAsBytes();
        BundleSpool.Stored stored = receiver.receive(migrationId, ClientCertificate.commonName(context), index, count, length, sha256,
                chunk);
        context.json(new ChunkView(index, chunk.length, stored == BundleSpool.Stored.DUPLICATE));
    }

    private void stageChunks(Context context) {
        UUID migrationId = Requests.uuid(context, "migrationId");
        StageChunksRequest request = Requests.body(context, json, StageChunksRequest.class);
        if (request.count() == null || request.length() == null) {
            throw new BadRequestException("count and length are required");
        }
        byte[] sha256 = Requests.hex(request.sha256(), "sha256", Sha256.BYTES, Sha256.BYTES);
        context.json(AssociationViews.of(receiver.stage(migrationId, ClientCertificate.commonName(context), request.count(),
                request.length(), sha256)));
    }

    private static long number(String text, String name, long max) {
        if (text == null || text.isBlank()) {
            throw new BadRequestException(name + " is required");
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value < 0 || value > max) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new BadRequestException(name + " must be a number 0.." + max + " (got '" + (text.length() > 20 ? text.substring(0, 20)
                    : text).replaceAll("[^\\x20-\\x7e]", "?") + "')");
        }
    }
}
