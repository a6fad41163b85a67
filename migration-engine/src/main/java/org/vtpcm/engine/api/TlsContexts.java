package org.vtpcm.engine.api;

/** The names of the engine's two TLS contexts, as Guice binds them. */
public final class TlsContexts {
    /** Serves the engine's API: clients of the operator, dashboard and nova-compute roles. */
    public static final String API = "api-tls";
    /** Calls the nodes' managers: only node-manager servers are believed. */
    public static final String NODES = "nodes-tls";

    private TlsContexts() {
    }
}
