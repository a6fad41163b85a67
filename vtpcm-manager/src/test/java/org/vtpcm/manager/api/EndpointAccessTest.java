package org.vtpcm.manager.api;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vtpcm.protocol.pki.Role;
import org.vtpcm.service.rest.ForbiddenException;

/** Every endpoint of the manager against every role: exactly the listed roles get through, nobody else. */
class EndpointAccessTest {
    private static final String NODE = "n1";
    private static final String MIGRATION = "/v1/migrations/8d7f3c2a-1111-4222-8333-944455556666";
    private static final String VM = "/v1/vms/3e5a7c9b-2222-4333-8444-a55566667777";

    /** One endpoint as a caller would call it, and who may. */
    private record Endpoint(String method, String path, Set<Role> allowed) {
        Endpoint(String method, String path, Role... allowed) {
            this(method, path, allowed.length == 0 ? Set.of() : Set.copyOf(EnumSet.of(allowed[0], allowed)));
        }
    }

    private static List<Endpoint> endpoints() {
        List<Endpoint> endpoints = new ArrayList<>();
        endpoints.add(new Endpoint("GET", "/v1/node", Role.ENGINE, Role.OPERATOR, Role.NOVA_COMPUTE));
        endpoints.add(new Endpoint("POST", "/v1/attestation/quote", Role.ENGINE));
        for (String hook : List.of("prepare-incoming", "freeze", "abort", "export", "stage", "verify", "commit", "send", "migrate-vm",
                "migrate-vm/abort", "arrival", "resume")) {
            endpoints.add(new Endpoint("POST", MIGRATION + "/" + hook, Role.ENGINE));
        }
        endpoints.add(new Endpoint("GET", MIGRATION + "/migrate-vm", Role.ENGINE));
        endpoints.add(new Endpoint("PUT", MIGRATION + "/bundle/chunks/0", Role.NODE_MANAGER));
        endpoints.add(new Endpoint("POST", MIGRATION + "/stage-chunks", Role.NODE_MANAGER));
        endpoints.add(new Endpoint("GET", VM + "/domain", Role.ENGINE, Role.OPERATOR));
        endpoints.add(new Endpoint("GET", "/v1/vtpcms", Role.ENGINE, Role.OPERATOR, Role.NOVA_COMPUTE));
        endpoints.add(new Endpoint("GET", "/v1/vtpcms/3e5a7c9b-2222-4333-8444-a55566667777", Role.ENGINE, Role.OPERATOR,
                Role.NOVA_COMPUTE));
        endpoints.add(new Endpoint("GET", VM + "/measurement-log", Role.ENGINE, Role.OPERATOR, Role.NOVA_COMPUTE));
        endpoints.add(new Endpoint("POST", "/v1/vms", Role.OPERATOR));
        endpoints.add(new Endpoint("POST", VM + "/start", Role.OPERATOR));
        endpoints.add(new Endpoint("POST", VM + "/stop", Role.OPERATOR));
        endpoints.add(new Endpoint("POST", VM + "/vtpcm", Role.OPERATOR, Role.NOVA_COMPUTE));
        endpoints.add(new Endpoint("DELETE", VM, Role.OPERATOR, Role.NOVA_COMPUTE));
        endpoints.add(new Endpoint("GET", "/v1/reference-values", Role.ENGINE, Role.OPERATOR));
        endpoints.add(new Endpoint("POST", "/v1/reference-values", Role.OPERATOR));
        endpoints.add(new Endpoint("DELETE", "/v1/reference-values/4f1e", Role.OPERATOR));
        endpoints.add(new Endpoint("PUT", "/v1/revocations", Role.ENGINE));
        endpoints.add(new Endpoint("GET", "/v1/revocations", Role.ENGINE, Role.OPERATOR));
        // endpoints that do not exist with this method, or a hook name that is not in the table: nobody
        endpoints.add(new Endpoint("DELETE", "/v1/node"));
        endpoints.add(new Endpoint("GET", MIGRATION + "/freeze"));
        endpoints.add(new Endpoint("POST", MIGRATION + "/destroy-everything"));
        endpoints.add(new Endpoint("PUT", "/v1/reference-values"));
        endpoints.add(new Endpoint("POST", VM + "/start/extra"));
        return endpoints;
    }

    private static String commonName(Role role) {
        return switch (role) {
            case ENGINE -> "vtpcm-engine";
            case NODE_MANAGER -> "n2";
            case NODE_QEMU -> NODE;
            case NOVA_COMPUTE -> "nova-compute." + NODE;
            case OPERATOR -> "operator";
            case DASHBOARD -> "dashboard";
        };
    }

    static Stream<Arguments> everyEndpointAndRole() {
        return endpoints().stream().flatMap(endpoint -> Stream.of(Role.values())
                .map(role -> Arguments.of(endpoint.method(), endpoint.path(), role, endpoint.allowed().contains(role))));
    }

    static Stream<Arguments> everyEndpoint() {
        return endpoints().stream().map(endpoint -> Arguments.of(endpoint.method(), endpoint.path()));
    }

    @ParameterizedTest(name = "{2} {0} {1}: allowed={3}")
    @MethodSource("everyEndpointAndRole")
    void exactlyTheListedRolesMayCall(String method, String path, Role role, boolean allowed) {
        Optional<String> caller = Optional.of(commonName(role));
        if (allowed) {
            assertDoesNotThrow(() -> EndpointAccess.check(Optional.of(role), caller, NODE, method, path));
        } else {
            ForbiddenException refused = assertThrows(ForbiddenException.class,
                    () -> EndpointAccess.check(Optional.of(role), caller, NODE, method, path));
            assertTrue(refused.getMessage().contains(method + " " + path), refused.getMessage());
        }
    }

    @ParameterizedTest(name = "no role: {0} {1}")
    @MethodSource("everyEndpoint")
    void aCertificateWithoutARoleMayCallNothing(String method, String path) {
        assertThrows(ForbiddenException.class, () -> EndpointAccess.check(Optional.empty(), Optional.of("operator"), NODE, method, path));
        assertThrows(ForbiddenException.class, () -> EndpointAccess.check(Optional.empty(), Optional.empty(), NODE, method, path));
    }

    @ParameterizedTest(name = "another node's compute service: {0} {1}")
    @MethodSource("everyEndpoint")
    void aComputeServiceMayCallOnlyItsOwnNode(String method, String path) {
        for (String other : List.of("nova-compute.n2", "nova-compute.", "n1", "nova-compute.n1.evil")) {
            assertThrows(ForbiddenException.class,
                    () -> EndpointAccess.check(Optional.of(Role.NOVA_COMPUTE), Optional.of(other), NODE, method, path), other);
        }
        assertThrows(ForbiddenException.class, () -> EndpointAccess.check(Optional.of(Role.NOVA_COMPUTE), Optional.empty(), NODE, method,
                path));
    }

    @Test
    void aNodeCertificateNamedLikeAnOperatorIsStillANode() {
        ForbiddenException refused = assertThrows(ForbiddenException.class, () -> EndpointAccess.check(Optional.of(Role.NODE_MANAGER),
                Optional.of("operator"), NODE, "POST", "/v1/vms"));
        assertTrue(refused.getMessage().contains("node-manager certificate ('operator') may not POST /v1/vms; allowed: operator"),
                refused.getMessage());
    }
}
