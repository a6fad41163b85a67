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
import org.vtpcm.engine.nova.NovaMode;
import org.vtpcm.nova.ServerMigration;
import org.vtpcm.service.rest.ApiRoutes;
import org.vtpcm.service.rest.BadRequestException;
import org.vtpcm.service.rest.Requests;

/** Operators' Nova mode: ask Nova to live-migrate a vtpcm instance, and read Nova's migration records. */
public final class NovaModeResource implements ApiRoutes {
    private final NovaMode nova;
    private final ObjectMapper json;

    @Inject
    public NovaModeResource(NovaMode nova, ObjectMapper json) {
        this.nova = requireNonNull(nova, "nova is null");
        this.json = requireNonNull(json, "json is null");
    }

    /** Body of POST /v1/nova/migrations. */
    public record MigrateRequest(String vm, String to) {
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.post("/v1/nova/migrations", this::migrate);
        routes.get("/v1/nova/instances/{uuid}/nova-migrations", this::novaMigrations);
    }

    private void migrate(Context context) {
        MigrateRequest request = Requests.body(context, json, MigrateRequest.class);
        String vm = Names.vm(request.vm());
        Optional<String> to = Names.host(request.to(), "to");
        NovaMode.Requested requested = nova.migrate(vm, to);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("instance", requested.instance());
        body.put("source", requested.source());
        body.put("destination", requested.destination());
        body.put("requestedAt", requested.requestedAt().toString());
        body.put("migration", requested.migration().map(MigrationView::of).orElse(null));
        body.put("rejectedHosts", requested.rejected());
        context.status(202).json(body);
    }

    private void novaMigrations(Context context) {
        UUID instance;
        try {
            instance = UUID.fromString(context.pathParam("uuid"));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("instance uuid must be a UUID");
        }
        context.json(Map.of("migrations", nova.novaMigrations(instance).stream().map(NovaModeResource::view).toList()));
    }

    private static Map<String, Object> view(ServerMigration migration) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", migration.id());
        view.put("uuid", migration.uuid().orElse(null));
        view.put("status", migration.status());
        view.put("migrationType", migration.migrationType().orElse(null));
        view.put("sourceCompute", migration.sourceCompute().orElse(null));
        view.put("destCompute", migration.destCompute().orElse(null));
        view.put("createdAt", migration.createdAt().orElse(null));
        view.put("updatedAt", migration.updatedAt().orElse(null));
        migration.memoryTotalBytes().ifPresent(bytes -> view.put("memoryTotalBytes", bytes));
        migration.memoryProcessedBytes().ifPresent(bytes -> view.put("memoryProcessedBytes", bytes));
        return view;
    }
}
