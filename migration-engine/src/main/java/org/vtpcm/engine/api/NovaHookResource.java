package org.vtpcm.engine.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Inject;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.vtpcm.engine.journal.MigrationRecord;
import org.vtpcm.engine.protocol.NovaHooks;
import org.vtpcm.engine.protocol.UnknownMigrationException;
import org.vtpcm.engine.receipt.ReceiptSigner;
import org.vtpcm.service.rest.ApiRoutes;
import org.vtpcm.service.rest.BadRequestException;
import org.vtpcm.service.rest.ForbiddenException;
import org.vtpcm.service.rest.Requests;

/**
 * The hooks Nova's compute driver calls during a live migration ({@code docs/nova-integration.md}).
 * Only compute services call them ({@link EndpointAccess}), each only from the side Nova calls it on
 * (begin, prepare, commit: the destination; send: the source; abort and reads: either), checked
 * against the very migration the hook then acts on: the instance's migration in progress, or the
 * one named by the optional query parameter {@code migrationId}.
 */
public final class NovaHookResource implements ApiRoutes {
    private static final String HOST = "[A-Za-z0-9][A-Za-z0-9-]{0,62}";

    private final NovaHooks hooks;
    private final ReceiptSigner receipts;
    private final ObjectMapper json;

    @Inject
    public NovaHookResource(NovaHooks hooks, ReceiptSigner receipts, ObjectMapper json) {
        this.hooks = requireNonNull(hooks, "hooks is null");
        this.receipts = requireNonNull(receipts, "receipts is null");
        this.json = requireNonNull(json, "json is null");
    }

    /** Body of POST /v1/nova/live-migrations. */
    public record BeginRequest(String instanceUuid, String vmName, String source, String destination, String novaMigrationId,
            Boolean nativeTls) {
    }

    /** Body of POST /v1/nova/instances/{uuid}/abort. */
    public record AbortRequest(String reason) {
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.post("/v1/nova/live-migrations", this::begin);
        // each hook only from the side of the migration Nova calls it on: the state leaves the source only when
        // the source's own compute service asks (a destination must never be able to pull it)
        routes.post("/v1/nova/instances/{uuid}/prepare", context -> {
            MigrationRecord record = migration(context, Side.DESTINATION);
            answer(context, 200, hooks.prepare(record.vmUuid(), record.id()));
        });
        routes.post("/v1/nova/instances/{uuid}/send", context -> {
            MigrationRecord record = migration(context, Side.SOURCE);
            answer(context, 200, hooks.send(record.vmUuid(), record.id()));
        });
        routes.post("/v1/nova/instances/{uuid}/commit", context -> {
            MigrationRecord record = migration(context, Side.DESTINATION);
            answer(context, 200, hooks.commit(record.vmUuid(), record.id()));
        });
        routes.post("/v1/nova/instances/{uuid}/abort", this::abort);
        // a compute service reads only a migration it takes part in; operators and dashboards (allowed by EndpointAccess) any
        routes.get("/v1/nova/instances/{uuid}/migration", context -> answer(context, 200, CallerRole.computeNode(context).isPresent()
                ? migration(context, Side.EITHER) : watched(context)));
    }

    private void begin(Context context) {
        BeginRequest request = Requests.body(context, json, BeginRequest.class);
        UUID instance = parseUuid(request.instanceUuid(), "instanceUuid");
        String source = host(request.source(), "source");
        String destination = host(request.destination(), "destination");
        if (source.equals(destination)) {
            throw new BadRequestException("source and destination are the same host");
        }
        String node = computeNode(context);
        if (!node.equals(destination)) {
            throw new ForbiddenException("only the destination's compute service begins a migration (Nova's pre-check runs there), not "
                    + node);
        }
        Optional<String> novaMigration = Optional.ofNullable(request.novaMigrationId()).filter(id -> id.matches("[A-Za-z0-9-]{1,64}"));
        answer(context, 201, hooks.begin(new NovaHooks.NovaMigration(instance, source, destination, novaMigration,
                Boolean.TRUE.equals(request.nativeTls()))));
    }

    private void abort(Context context) {
        MigrationRecord record = migration(context, Side.EITHER);
        AbortRequest request = context.body().isBlank() ? new AbortRequest(null) : Requests.body(context, json, AbortRequest.class);
        String reason = request.reason() == null || request.reason().isBlank() ? "no reason given" : request.reason();
        if (reason.length() > 1000) {
            reason = reason.substring(0, 1000) + "...";
        }
        answer(context, 200, hooks.abort(record.vmUuid(), record.id(), reason));
    }

    /** Which side of a migration may call a hook. */
    private enum Side { SOURCE, DESTINATION, EITHER }

    /**
     * The migration the hook acts on (by exact lookups: the instance's migration in progress or newest, or the one
     * {@code migrationId} names), which the calling compute service must be the given side of.
     */
    private MigrationRecord migration(Context context, Side side) {
        UUID instance = parseUuid(context.pathParam("uuid"), "instance uuid");
        String node = computeNode(context);
        String asked = context.queryParam("migrationId");
        Optional<MigrationRecord> found = asked == null ? hooks.current(instance) : hooks.find(instance, parseUuid(asked, "migrationId"));
        MigrationRecord record = found.orElseThrow(() -> new UnknownMigrationException("instance " + instance + " has no migration"
                + (asked == null ? "" : " " + asked)));
        boolean source = node.equals(record.source());
        boolean destination = node.equals(record.destination());
        boolean allowed = switch (side) {
            case SOURCE -> source;
            case DESTINATION -> destination;
            case EITHER -> source || destination;
        };
        if (!allowed) {
            throw new ForbiddenException("the compute service of " + node + " may not call this hook for migration " + record.id()
                    + " of " + instance + " (" + record.source() + " -> " + record.destination() + ")");
        }
        return record;
    }

    /** The migration an operator or a dashboard watches: the instance's current or newest one, or the one asked for. */
    private MigrationRecord watched(Context context) {
        UUID instance = parseUuid(context.pathParam("uuid"), "instance uuid");
        String asked = context.queryParam("migrationId");
        Optional<MigrationRecord> found = asked == null ? hooks.current(instance) : hooks.find(instance, parseUuid(asked, "migrationId"));
        return found.orElseThrow(() -> new UnknownMigrationException("instance " + instance + " has no migration"
                + (asked == null ? "" : " " + asked)));
    }

    private static String computeNode(Context context) {
        return CallerRole.computeNode(context).orElseThrow(() -> new ForbiddenException("only a compute service calls the Nova hooks"));
    }

    private void answer(Context context, int status, MigrationRecord record) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("migration", MigrationView.of(record));
        receipts.find(record.id()).ifPresent(receipt -> body.put("receipt", receipt));
        context.status(status).json(body);
    }

    private static UUID parseUuid(String text, String what) {
        try {
            return UUID.fromString(requireText(text, what));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(what + " must be a UUID");
        }
    }

    private static String host(String text, String what) {
        String value = requireText(text, what).trim();
        if (!value.matches(HOST)) {
            throw new BadRequestException(what + " must be a host name");
        }
        return value;
    }

    private static String requireText(String text, String what) {
        if (text == null || text.isBlank()) {
            throw new BadRequestException(what + " is required");
        }
        return text;
    }
}
