package org.vtpcm.engine.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of {@code POST /v1/migrations}, for the engine's API and its clients alike. Every field but {@code vm} may be null, which leaves
 * the engine's default (least-loaded target, one connection, no compression, TLS, verify before
 * resume).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MigrationRequest(String vm, String to, String strategy, Integer parallel, Boolean compress, Boolean tls,
                               Boolean verifyBeforeResume, Long bandwidthMiBs) {
    public static final String EXPLICIT = "explicit";
    public static final String LEAST_LOADED = "least-loaded";

    /** Migrates {@code vm} with every default. */
    public static MigrationRequest of(String vm) {
        return new MigrationRequest(requireNonNull(vm, "vm is null"), null, null, null, null, null, null, null);
    }

    /** The same request with an explicit destination. */
    public MigrationRequest to(String host) {
        return new MigrationRequest(vm, host, strategy, parallel, compress, tls, verifyBeforeResume, bandwidthMiBs);
    }
}
