package org.vtpcm.service.rest;

import io.javalin.router.JavalinDefaultRoutingApi;

/** A group of REST endpoints; each resource registers its own. */
public interface ApiRoutes {
    void register(JavalinDefaultRoutingApi routes);
}
