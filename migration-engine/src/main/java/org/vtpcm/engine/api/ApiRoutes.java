package org.vtpcm.engine.api;

import io.javalin.router.JavalinDefaultRoutingApi;

/** A group of endpoints. */
public interface ApiRoutes {
    void register(JavalinDefaultRoutingApi routes);
}
