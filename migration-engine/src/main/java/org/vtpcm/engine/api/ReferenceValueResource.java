package org.vtpcm.engine.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Inject;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.Map;
import org.vtpcm.engine.attestation.ReferenceValueStore;
import org.vtpcm.service.rest.ApiRoutes;
import org.vtpcm.service.rest.BadRequestException;
import org.vtpcm.service.rest.NotFoundException;
import org.vtpcm.service.rest.Requests;

/** /v1/reference-values: the platform measurements nodes are attested against. */
public final class ReferenceValueResource implements ApiRoutes {
    private final ReferenceValueStore store;
    private final ObjectMapper json;

    @Inject
    public ReferenceValueResource(ReferenceValueStore store, ObjectMapper json) {
        this.store = requireNonNull(store, "store is null");
        this.json = requireNonNull(json, "json is null");
    }

    /** Body of POST; {@code scope} is global (the default), class:<class> or host:<name>. */
    public record AddRequest(Integer pcr, String description, String digest, String label, String scope) {
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.get("/v1/reference-values", context -> context.json(Map.of("referenceValues", store.list())));
        routes.post("/v1/reference-values", this::add);
        routes.delete("/v1/reference-values/{id}", this::remove);
    }

    private void add(Context context) {
        AddRequest request = Requests.body(context, json, AddRequest.class);
        if (request.pcr() == null) {
            throw new BadRequestException("pcr is required");
        }
        try {
            context.status(201).json(store.add(request.pcr(), request.description(), request.digest(), request.label(),
                    request.scope()));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
    }

    private void remove(Context context) {
        long id;
        try {
            id = Long.parseLong(context.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new BadRequestException("id must be a number");
        }
        if (!store.remove(id)) {
            throw new NotFoundException("no reference value " + id);
        }
        context.status(204);
    }
}
