package org.vtpcm.engine.api;

import io.javalin.http.Context;
import java.util.Optional;

/**
 * Who may call what on the engine. Compute nodes (CN = a host's name) may call nothing but health;
 * a compute service (CN {@code nova-compute.<node>}, Nova's driver on that node) only the Nova hooks;
 * any other cloud-CA client is an operator or service and may call everything.
 */
final class CallerRole {
    static final String COMPUTE_PREFIX = "nova-compute.";
    private static final String ATTRIBUTE = "vtpcm.caller";

    private CallerRole() {
    }

    static void check(Context context, String caller, java.util.Set<String> nodeNames) {
        String path = context.path();
        if (caller == null) {
            throw new Forbidden("this endpoint is for operators and services, not for an anonymous caller");
        }
        context.attribute(ATTRIBUTE, caller);
        if (path.equals("/v1/health")) {
            return;
        }
        if (nodeNames.contains(caller)) {
            throw new Forbidden("this endpoint is for operators and services, not for node " + caller);
        }
        if (caller.startsWith(COMPUTE_PREFIX) && !path.startsWith("/v1/nova/")) {
            throw new Forbidden("a compute service may only call the Nova hooks (/v1/nova/...)");
        }
    }

    /** The common name of the caller's certificate, as {@link #check} recorded it. */
    static String caller(Context context) {
        return context.attribute(ATTRIBUTE);
    }

    /** The node of a compute-service caller, empty for operators. */
    static Optional<String> computeNode(Context context) {
        String caller = context.attribute(ATTRIBUTE);
        return caller != null && caller.startsWith(COMPUTE_PREFIX) ? Optional.of(caller.substring(COMPUTE_PREFIX.length()))
                : Optional.empty();
    }

    /** The caller may not use this endpoint (403). */
    static final class Forbidden extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Forbidden(String message) {
            super(message);
        }
    }
}
