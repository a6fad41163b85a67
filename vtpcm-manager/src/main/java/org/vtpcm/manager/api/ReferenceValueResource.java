package org.vtpcm.manager.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import org.vtpcm.manager.tpcm.ArtifactKind;
import org.vtpcm.manager.tpcm.ReferenceValueLibrary;
import org.vtpcm.service.rest.ApiRoutes;
import org.vtpcm.service.rest.BadRequestException;
import org.vtpcm.service.rest.Requests;

/** The reference-value library: register, list, revoke. */
public final class ReferenceValueResource implements ApiRoutes {
    private final ReferenceValueLibrary library;
    private final ObjectMapper json;

    public ReferenceValueResource(ReferenceValueLibrary library, ObjectMapper json) {
        this.library = requireNonNull(library, "library is null");
        this.json = requireNonNull(json, "json is null");
    }

    /** Body of POST /v1/reference-values. */
    public record RegisterRequest(String kind, String digest, String label) {
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.get("/v1/reference-values", context -> context.json(library.list("true".equals(context.queryParam("all")))));
        routes.post("/v1/reference-values", this::add);
        routes.delete("/v1/reference-values/{id}", this::revoke);
    }

    private void add(Context context) {
        RegisterRequest request = Requests.body(context, json, RegisterRequest.class);
        ArtifactKind kind;
        try {
            kind = ArtifactKind.parse(request.kind());
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
        try {
            context.status(201).json(library.register(kind, request.digest(), request.label()));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
    }

    private void revoke(Context context) {
        library.revoke(Requests.uuid(context, "id"));
        context.status(204);
    }
}
