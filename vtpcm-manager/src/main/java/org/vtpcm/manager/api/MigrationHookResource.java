package org.vtpcm.manager.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.UUID;
import org.vtpcm.manager.association.ControlPolicy;
import org.vtpcm.manager.migration.MigrationHooks;

/**
 * The migration hooks the engine and the Nova extension call, under /v1/migrations/{migrationId}/.
 * prepare-incoming, freeze and abort are complete; export, stage, verify and commit carry state
 * and are completed with the status collector (they answer 501 until then).
 */
public final class MigrationHookResource implements ApiRoutes {
    private final MigrationHooks hooks;
    private final ObjectMapper json;

    public MigrationHookResource(MigrationHooks hooks, ObjectMapper json) {
        this.hooks = requireNonNull(hooks, "hooks is null");
        this.json = requireNonNull(json, "json is null");
    }

    /** Body of prepare-incoming. */
    public record PrepareIncomingRequest(UUID vtpcmId, UUID vmUuid, String vmName, Long epoch, String policy) {
    }

    /** Body of freeze and abort. */
    public record VmRequest(UUID vmUuid) {
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.post("/v1/migrations/{migrationId}/prepare-incoming", this::prepareIncoming);
        routes.post("/v1/migrations/{migrationId}/freeze", this::freeze);
        routes.post("/v1/migrations/{migrationId}/abort", this::abort);
        for (String step : new String[] {"export", "stage", "verify", "commit"}) {
            routes.post("/v1/migrations/{migrationId}/" + step, context -> {
                ApiRequests.uuidParameter(context, "migrationId");
                throw new NotImplementedYetException("the '" + step + "' hook carries vTPCM state and is delivered with the "
                        + "status collector; nothing was changed");
            });
        }
    }

    private void prepareIncoming(Context context) {
        UUID migrationId = ApiRequests.uuidParameter(context, "migrationId");
        PrepareIncomingRequest request = ApiRequests.body(context, json, PrepareIncomingRequest.class);
        if (request.vtpcmId() == null || request.vmUuid() == null || request.epoch() == null || request.epoch() < 0) {
            throw new BadRequestException("vtpcmId, vmUuid and a non-negative epoch are required");
        }
        String name = ApiRequests.required(request.vmName(), "vmName");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}")) {
            throw new BadRequestException("invalid vmName");
        }
        ControlPolicy policy;
        try {
            policy = ControlPolicy.parse(request.policy() == null ? "deny" : request.policy());
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
        context.status(201).json(AssociationView.of(hooks.prepareIncoming(migrationId, request.vtpcmId(), request.vmUuid(), name,
                request.epoch(), policy)));
    }

    private void freeze(Context context) {
        UUID migrationId = ApiRequests.uuidParameter(context, "migrationId");
        VmRequest request = ApiRequests.body(context, json, VmRequest.class);
        if (request.vmUuid() == null) {
            throw new BadRequestException("vmUuid is required");
        }
        context.json(AssociationView.of(hooks.freeze(migrationId, request.vmUuid())));
    }

    private void abort(Context context) {
        UUID migrationId = ApiRequests.uuidParameter(context, "migrationId");
        VmRequest request = ApiRequests.body(context, json, VmRequest.class);
        if (request.vmUuid() == null) {
            throw new BadRequestException("vmUuid is required");
        }
        context.json(AssociationView.of(hooks.abort(migrationId, request.vmUuid())));
    }
}
