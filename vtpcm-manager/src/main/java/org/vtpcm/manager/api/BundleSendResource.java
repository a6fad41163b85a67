package org.vtpcm.manager.api;

import org.vtpcm.manager.migration.TransferException;
import org.vtpcm.nodeapi.NodePaths.Hook;
import org.vtpcm.nodeapi.AssociationView;
import org.vtpcm.nodeapi.SendRequest;
import org.vtpcm.nodeapi.SendView;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.UUID;
import org.vtpcm.manager.migration.BundlePush;
import org.vtpcm.manager.migration.BundleSender;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.service.rest.ApiRoutes;
import org.vtpcm.service.rest.BadRequestException;
import org.vtpcm.service.rest.Requests;

/**
 * Source: POST /v1/migrations/{migrationId}/send exports the frozen vTPCM and pushes it to the destination
 * manager, answering when it is staged there, or (background) as soon as it is sealed.
 */
public final class BundleSendResource implements ApiRoutes {
    private final BundlePush push;
    private final CryptoSuite suite;
    private final ObjectMapper json;

    public BundleSendResource(BundlePush push, CryptoSuite suite, ObjectMapper json) {
        this.push = requireNonNull(push, "push is null");
        this.suite = requireNonNull(suite, "suite is null");
        this.json = requireNonNull(json, "json is null");
    }



    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.post(Hook.SEND.route(), this::send);
    }

    private void send(Context context) {
        UUID migrationId = Requests.uuid(context, "migrationId");
        SendRequest request = Requests.body(context, json, SendRequest.class);
        if (request.vmUuid() == null) {
            throw new BadRequestException("vmUuid is required");
        }
        String destination = Requests.required(request.destinationNode(), "destinationNode");
        URI manager = managerUri(Requests.required(request.destinationManager(), "destinationManager"));
        // neither the nonce nor the key: push the bundle sealed earlier in this migration again (in the background)
        boolean again = request.nonce() == null && request.ephemeralPublicKey() == null;
        if (again && !request.inBackground()) {
            throw new BadRequestException("nonce and ephemeralPublicKey are required (only a send in the background may repeat "
                    + "the bundle sealed earlier without them)");
        }
        byte[] nonce = again ? null : Requests.hex(request.nonce(), "nonce", 32, 32);
        var ephemeral = again ? null : SuitePublicKeys.decode(suite, request.ephemeralPublicKey(), "ephemeralPublicKey");
        int streams = request.streams() == null ? 1 : request.streams();
        if (streams < 1 || streams > BundleSender.MAX_STREAMS) {
            throw new BadRequestException("streams must be 1.." + BundleSender.MAX_STREAMS + " (got " + streams + ")");
        }
        if (request.inBackground()) {
            BundlePush.Started started = push.pushInBackground(migrationId, request.vmUuid(), destination, manager, nonce, ephemeral,
                    streams);
            context.json(new SendView(started.bundleBytes(), 0, streams, 0, started.sealMillis(), started.epoch(), null,
                    started.status()));
            return;
        }
        BundlePush.Pushed pushed = push.push(migrationId, request.vmUuid(), destination, manager, nonce, ephemeral, streams);
        BundleSender.Report report = pushed.report();
        context.json(new SendView(report.bundleBytes(), report.chunks(), report.streams(), report.retries(), report.millis(),
                pushed.epoch(), staged(report.staged())));
    }

    /** The destination's answer to stage-chunks: its staged row. */
    private AssociationView staged(String body) {
        try {
            return json.readValue(body, AssociationView.class);
        } catch (IOException e) {
            throw new TransferException(TransferException.Reason.DESTINATION_REFUSED,
                    "the destination staged the bundle but its answer is not a vTPCM row");
        }
    }

    /** Only {@code https://host:port}: the destination manager's API root. */
    static URI managerUri(String text) {
        try {
            URI uri = new URI(text);
            boolean bare = (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/")) && uri.getQuery() == null
                    && uri.getFragment() == null && uri.getUserInfo() == null;
            if (!"https".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1 || !bare) {
                throw new BadRequestException("destinationManager must be https://host:port (got '" + printable(text) + "')");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new BadRequestException("destinationManager must be https://host:port (got '" + printable(text) + "')");
        }
    }

    private static String printable(String value) {
        String cut = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
