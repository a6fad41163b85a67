package org.vtpcm.manager.api;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ComputeServiceAccessTest {
    private static final String VM = "/v1/vms/8d7f3c2a-1111-4222-8333-944455556666";

    @Test
    void theComputeServiceOfThisNodeMayAttachReadAndDestroy() {
        Optional<String> nova = Optional.of("nova-compute.n1");
        assertDoesNotThrow(() -> ComputeServiceAccess.check("n1", nova, "POST", VM + "/vtpcm"));
        assertDoesNotThrow(() -> ComputeServiceAccess.check("n1", nova, "DELETE", VM));
        assertDoesNotThrow(() -> ComputeServiceAccess.check("n1", nova, "GET", "/v1/vtpcms/x"));
    }

    @Test
    void itMayNotDriveMigrationsNorUseAnotherNode() {
        Optional<String> nova = Optional.of("nova-compute.n1");
        assertThrows(ForbiddenException.class, () -> ComputeServiceAccess.check("n2", nova, "POST", VM + "/vtpcm"));
        assertThrows(ForbiddenException.class, () -> ComputeServiceAccess.check("n1", nova, "POST", "/v1/migrations/x/freeze"));
        assertThrows(ForbiddenException.class, () -> ComputeServiceAccess.check("n1", nova, "POST", "/v1/reference-values"));
        assertThrows(ForbiddenException.class, () -> ComputeServiceAccess.check("n1", nova, "POST", VM + "/start"));
    }

    @Test
    void otherCallersAreNotItsBusiness() {
        assertDoesNotThrow(() -> ComputeServiceAccess.check("n1", Optional.of("operator"), "POST", "/v1/migrations/x/freeze"));
        assertDoesNotThrow(() -> ComputeServiceAccess.check("n1", Optional.empty(), "GET", "/v1/node"));
    }
}
