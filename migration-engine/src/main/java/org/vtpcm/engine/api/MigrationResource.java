package org.vtpcm.engine.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Inject;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.Optional;
import java.util.UUID;
import org.vtpcm.engine.protocol.MigrationCoordinator;
import org.vtpcm.engine.protocol.MigrationRequest;
import org.vtpcm.engine.protocol.UnknownMigrationException;
import org.vtpcm.engine.receipt.ReceiptSigner;
import org.vtpcm.engine.target.ExplicitHost;
import org.vtpcm.engine.target.LeastLoadedTrusted;
import org.vtpcm.service.rest.ApiRoutes;
import org.vtpcm.service.rest.BadRequestException;
import org.vtpcm.service.rest.Requests;

/** /v1/migrations: start, list, show, abort, receipt. */
public final class MigrationResource implements ApiRoutes {
    private static final int MAX_PARALLEL = 16;

    private final MigrationCoordinator coordinator;
    private final ReceiptSigner receipts;
    private final ObjectMapper json;

    @Inject
    public MigrationResource(MigrationCoordinator coordinator, ReceiptSigner receipts, ObjectMapper json) {
        this.coordinator = requireNonNull(coordinator, "coordinator is null");
        this.receipts = requireNonNull(receipts, "receipts is null");
        this.json = requireNonNull(json, "json is null");
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.post("/v1/migrations", this::start);
        routes.get("/v1/migrations", this::list);
        routes.get("/v1/migrations/{id}", context -> context.json(MigrationView.of(coordinator.find(Requests.uuid(context, "id"))
                .orElseThrow(() -> new UnknownMigrationException("no migration " + context.pathParam("id"))))));
        routes.post("/v1/migrations/{id}/abort", context -> context.status(202).json(MigrationView.of(
                coordinator.abort(Requests.uuid(context, "id")))));
        routes.get("/v1/migrations/{id}/receipt", this::receipt);
    }

    private void start(Context context) {
        org.vtpcm.engine.client.MigrationRequest request = Requests.body(context, json, org.vtpcm.engine.client.MigrationRequest.class);
        String vm = Names.vm(request.vm());
        Optional<String> to = Names.host(request.to(), "to");
        String strategy = request.strategy() != null ? request.strategy() : to.isPresent() ? ExplicitHost.NAME : LeastLoadedTrusted.NAME;
        if (!strategy.equals(ExplicitHost.NAME) && !strategy.equals(LeastLoadedTrusted.NAME)) {
            throw new BadRequestException("strategy must be " + ExplicitHost.NAME + " or " + LeastLoadedTrusted.NAME);
        }
        if (strategy.equals(ExplicitHost.NAME) && to.isEmpty()) {
            throw new BadRequestException("strategy explicit needs 'to'");
        }
        int parallel = request.parallel() == null ? 1 : request.parallel();
        if (parallel < 1 || parallel > MAX_PARALLEL) {
            throw new BadRequestException("parallel must be 1.." + MAX_PARALLEL);
        }
        long bandwidth = request.bandwidthMiBs() == null ? 0 : request.bandwidthMiBs();
        if (bandwidth < 0 || bandwidth > 1_000_000) {
            throw new BadRequestException("bandwidthMiBs must be 0..1000000 (0 = no cap)");
        }
        MigrationRequest migration = new MigrationRequest(vm, to, strategy, parallel, Boolean.TRUE.equals(request.compress()),
                !Boolean.FALSE.equals(request.tls()), !Boolean.FALSE.equals(request.verifyBeforeResume()), bandwidth);
        context.status(202).json(MigrationView.of(coordinator.start(migration)));
    }

    private void list(Context context) {
        String state = context.queryParam("state") == null ? "all" : context.queryParam("state");
        if (!state.equals("all") && !state.equals("active")) {
            throw new BadRequestException("state must be active or all");
        }
        int limit = Requests.intQuery(context, "limit", 50, 1, 1000);
        context.json(java.util.Map.of("migrations", coordinator.list(state.equals("active"), limit).stream().map(MigrationView::of)
                .toList()));
    }

    private void receipt(Context context) {
        UUID id = Requests.uuid(context, "id");
        coordinator.find(id).orElseThrow(() -> new UnknownMigrationException("no migration " + id));
        context.json(receipts.find(id).orElseThrow(() -> new UnknownMigrationException("migration " + id + " has no receipt (it is not "
                + "committed)")));
    }
}
