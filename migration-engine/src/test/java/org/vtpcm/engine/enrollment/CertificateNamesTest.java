package org.vtpcm.engine.enrollment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.attestation.enrollment.EnrollmentAuthority;
import org.vtpcm.protocol.pki.CloudCa;

/** Attacks on the names a node gets certified under: the engine's address and name are never a node's. */
class CertificateNamesTest {
    private static final InetAddress ENGINE = address("10.0.0.254");
    private static final Map<String, InetAddress> MANAGERS = Map.of("n1", address("10.0.0.1"), "n2", address("10.0.0.2"));

    @TempDir
    Path folder;

    @Test
    void aNodeCannotObtainTheEnginesAddress() {
        Optional<String> refused = EnrollmentExchange.refusedAddress("n1", List.of(address("10.0.0.1"), ENGINE), MANAGERS,
                Optional.of(ENGINE));
        assertTrue(refused.orElse("").contains("engine's address"), refused.toString());
        assertTrue(EnrollmentExchange.refusedAddress("n1", List.of(address("::ffff:10.0.0.254")), MANAGERS, Optional.of(ENGINE))
                .isPresent(), "nor the same address written another way");
    }

    @Test
    void norAnotherHostsManagerAddress() {
        Optional<String> refused = EnrollmentExchange.refusedAddress("n1", List.of(address("10.0.0.2")), MANAGERS, Optional.of(ENGINE));
        assertTrue(refused.orElse("").contains("another host's manager address"), refused.toString());
    }

    @Test
    void itsOwnAddressesAreFineAndSoIsTheEnginesWhenTheNodeRunsOnTheEnginesMachine() {
        assertEquals(Optional.empty(), EnrollmentExchange.refusedAddress("n1", List.of(address("10.0.0.1"), address("192.168.1.1")),
                MANAGERS, Optional.of(ENGINE)));
        // an all-in-one host: the node's own manager listens on the engine's address, so the address is the node's too
        Map<String, InetAddress> shared = Map.of("n1", ENGINE, "n2", address("10.0.0.2"));
        assertEquals(Optional.empty(), EnrollmentExchange.refusedAddress("n1", List.of(ENGINE), shared, Optional.of(ENGINE)));
        assertTrue(EnrollmentExchange.refusedAddress("n2", List.of(ENGINE), shared, Optional.of(ENGINE)).isPresent(),
                "but no other node gets it");
    }

    @Test
    void aNodeCannotBeCertifiedUnderTheEnginesName() {
        EnrollmentAuthority authority = new EnrollmentAuthority(CloudCa.create("test CA", folder.resolve("ca")), folder.resolve("ca"));
        for (String name : List.of("vtpcm-engine", "VTPCM-Engine")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> authority.challenge(name, new byte[8],
                    new byte[8]));
            assertTrue(refused.getMessage().contains("engine's name"), refused.getMessage());
        }
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
