package org.vtpcm.engine.api;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.LinkedHashMap;
import java.util.Map;
import org.vtpcm.engine.hosts.VtpcmLocator;
import org.vtpcm.service.rest.ApiRoutes;
import org.vtpcm.service.rest.BadRequestException;
import org.vtpcm.service.rest.NotFoundException;

/** /v1/vtpcms: the association list across nodes. */
public final class VtpcmResource implements ApiRoutes {
    private final VtpcmLocator locator;

    @Inject
    public VtpcmResource(VtpcmLocator locator) {
        this.locator = requireNonNull(locator, "locator is null");
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.get("/v1/vtpcms", context -> {
            VtpcmLocator.Listing listing = locator.all();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("vtpcms", listing.vtpcms());
            body.put("unreachable", listing.unreachable());
            context.json(body);
        });
        routes.get("/v1/vtpcms/{vm}", context -> {
            String vm = context.pathParam("vm");
            if (!vm.matches("[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}")) {
                throw new BadRequestException("vm must be a VM's UUID or domain name");
            }
            context.json(locator.find(vm).orElseThrow(() -> new NotFoundException("no reachable node holds a live vTPCM for VM '" + vm
                    + "'")));
        });
    }
}
