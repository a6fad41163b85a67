package org.vtpcm.engine.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vtpcm.protocol.pki.Role;

/** The engine's allow-list, every endpoint with every role (the table of issue 12). */
class EndpointAccessTest {
    private static final String VM = "00000000-0000-0000-0000-000000000002";
    private static final String ID = "00000000-0000-0000-0000-000000000001";
    private static final Set<Role> ALL = EnumSet.of(Role.OPERATOR, Role.DASHBOARD, Role.NOVA_COMPUTE, Role.NODE_MANAGER);
    private static final Set<Role> READERS = EnumSet.of(Role.OPERATOR, Role.DASHBOARD);
    private static final Set<Role> OPERATOR = EnumSet.of(Role.OPERATOR);
    private static final Set<Role> COMPUTE = EnumSet.of(Role.NOVA_COMPUTE);
    private static final Set<Role> NOBODY = EnumSet.noneOf(Role.class);

    private record Endpoint(String method, String path, Set<Role> allowed) {
    }

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET", "/v1/health", ALL),
            new Endpoint("GET", "/metrics", READERS),
            new Endpoint("POST", "/v1/nova/live-migrations", COMPUTE),
            new Endpoint("POST", "/v1/nova/instances/" + VM + "/prepare", COMPUTE),
            new Endpoint("POST", "/v1/nova/instances/" + VM + "/send", COMPUTE),
            new Endpoint("POST", "/v1/nova/instances/" + VM + "/commit", COMPUTE),
            new Endpoint("POST", "/v1/nova/instances/" + VM + "/abort", COMPUTE),
            new Endpoint("GET", "/v1/nova/instances/" + VM + "/migration", EnumSet.of(Role.NOVA_COMPUTE, Role.OPERATOR, Role.DASHBOARD)),
            new Endpoint("POST", "/v1/nova/migrations", READERS),
            new Endpoint("GET", "/v1/nova/instances/" + VM + "/nova-migrations", READERS),
            new Endpoint("POST", "/v1/migrations", READERS),
            new Endpoint("POST", "/v1/migrations/" + ID + "/abort", READERS),
            new Endpoint("GET", "/v1/migrations", READERS),
            new Endpoint("GET", "/v1/migrations/" + ID, READERS),
            new Endpoint("GET", "/v1/migrations/" + ID + "/receipt", READERS),
            new Endpoint("GET", "/v1/hosts", READERS),
            new Endpoint("GET", "/v1/hosts/n1", READERS),
            new Endpoint("POST", "/v1/hosts/n1/attest", READERS),
            new Endpoint("POST", "/v1/hosts/n1/trust", OPERATOR),
            new Endpoint("POST", "/v1/hosts/n1/revoke", OPERATOR),
            new Endpoint("GET", "/v1/vtpcms", READERS),
            new Endpoint("GET", "/v1/vtpcms/guest-1", READERS),
            new Endpoint("GET", "/v1/reference-values", READERS),
            new Endpoint("POST", "/v1/reference-values", OPERATOR),
            new Endpoint("DELETE", "/v1/reference-values/7", OPERATOR),
            new Endpoint("POST", "/v1/enrollment-tokens", OPERATOR),
            new Endpoint("GET", "/v1/enrollment-tokens", OPERATOR),
            new Endpoint("DELETE", "/v1/enrollment-tokens/" + ID, OPERATOR),
            new Endpoint("GET", "/v1/certificates", OPERATOR),
            new Endpoint("POST", "/v1/certificates/abc/revoke", OPERATOR),
            new Endpoint("GET", "/v1/revocations", ALL),
            // not in the table: nobody (deny by default)
            new Endpoint("PUT", "/v1/revocations", NOBODY),
            new Endpoint("DELETE", "/v1/migrations/" + ID, NOBODY),
            new Endpoint("POST", "/v1/hosts/n1/attest/extra", NOBODY),
            new Endpoint("GET", "/v1/nothing", NOBODY),
            new Endpoint("GET", "/v1/health/../migrations", NOBODY));

    static Stream<Arguments> everyEndpointWithEveryRole() {
        List<Arguments> cases = new ArrayList<>();
        for (Endpoint endpoint : ENDPOINTS) {
            for (Role role : Role.values()) {
                cases.add(Arguments.of(endpoint.method(), endpoint.path(), role, endpoint.allowed().contains(role)));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} as {2}: {3}")
    @MethodSource("everyEndpointWithEveryRole")
    void eachRoleGetsExactlyItsEndpoints(String method, String path, Role role, boolean allowed) {
        assertEquals(allowed, EndpointAccess.allows(role, method, path));
    }

    static Stream<Arguments> everyEndpoint() {
        return ENDPOINTS.stream().map(endpoint -> Arguments.of(endpoint.method(), endpoint.path()));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyEndpoint")
    void neverTheEngineNorQemu(String method, String path) {
        assertFalse(EndpointAccess.allows(Role.ENGINE, method, path));
        assertFalse(EndpointAccess.allows(Role.NODE_QEMU, method, path));
    }
}
