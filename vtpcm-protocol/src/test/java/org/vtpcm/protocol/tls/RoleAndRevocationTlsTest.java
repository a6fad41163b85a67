package org.vtpcm.protocol.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.IssuedIdentity;
import org.vtpcm.protocol.pki.Role;

/** The role and revocation checks every handshake makes, in both directions. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RoleAndRevocationTlsTest {
    private static CloudCa ca;
    private static Path caDirectory;
    private static CloudCa otherCa;
    private static IssuedIdentity manager;
    private static IssuedIdentity engine;
    private static IssuedIdentity qemu;

    @BeforeAll
    static void issue(@TempDir Path caDir, @TempDir Path otherDir) {
        caDirectory = caDir;
        ca = CloudCa.create("vtpcm cloud CA", caDir);
        otherCa = CloudCa.create("vtpcm cloud CA", otherDir);
        manager = ca.issueTlsIdentity(Role.NODE_MANAGER, "n1", List.of(), List.of("127.0.0.1"), Duration.ofDays(1), true, true);
        engine = ca.issueTlsIdentity(Role.ENGINE, "engine", List.of(), List.of(), Duration.ofDays(1), true, true);
        qemu = ca.issueTlsIdentity(Role.NODE_QEMU, "n1", List.of(), List.of("127.0.0.1"), Duration.ofDays(1), true, true);
    }

    @Test
    void serverAcceptsOnlyTheRolesItListsAndTellsTheRoleOfItsPeer() throws Exception {
        var server = MutualTls.context(manager, Set.of(Role.ENGINE), Revocations.NONE);
        assertTrue(Loopback.connect(server, MutualTls.context(engine)).server().succeeded());
        // QEMU's certificate has the node's very name: the role, not the name, keeps it out
        Loopback.Result refused = Loopback.connect(server, MutualTls.context(qemu));
        assertFalse(refused.server().succeeded());
        assertTrue(refused.server().failure().getMessage().contains("node-qemu"), refused.server().failure().getMessage());
    }

    @Test
    void clientRefusesAServerOfAnotherRole() throws Exception {
        // an engine client expects a node manager: QEMU's listener with the node's name does not pass
        var client = MutualTls.context(engine, Set.of(Role.NODE_MANAGER), Revocations.NONE);
        assertTrue(Loopback.connect(MutualTls.context(manager), client).client().succeeded());
        assertFalse(Loopback.connect(MutualTls.context(qemu), client).client().succeeded());
    }

    @Test
    void certificateWithoutRoleIsRefusedEverywhere() throws Exception {
        KeyPair pair = CloudCa.newTlsKeyPair();
        // a role-less certificate, as issued before roles existed: built by hand with the CA's key
        IssuedIdentity legacy = new IssuedIdentity(pair.getPrivate(), LegacyCertificates.withoutRole(ca, caDirectory, pair, "operator"),
                ca.certificate());
        assertEquals(Optional.empty(), Role.of(legacy.certificate()));
        assertFalse(Loopback.connect(MutualTls.context(manager), MutualTls.context(legacy)).server().succeeded());
    }

    @Test
    void revokedPeerIsRefusedOnTheNextHandshake() throws Exception {
        RevocationList revocations = RevocationList.inMemory(ca.certificate());
        var server = MutualTls.context(manager, Set.of(Role.ENGINE), revocations);
        assertTrue(Loopback.connect(server, MutualTls.context(engine)).server().succeeded());
        revocations.install(ca.issueRevocationList(List.of(engine.certificate().getSerialNumber()), BigInteger.ONE,
                Duration.ofDays(1)).getEncoded());
        Loopback.Result refused = Loopback.connect(server, MutualTls.context(engine));
        assertFalse(refused.server().succeeded());
        assertTrue(refused.server().failure().getMessage().contains("revoked"), refused.server().failure().getMessage());
    }

    @Test
    void revocationListRefusesForgeriesAndOlderLists(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("crl.der");
        RevocationList list = RevocationList.persistent(ca.certificate(), file);
        BigInteger serial = engine.certificate().getSerialNumber();
        byte[] second = ca.issueRevocationList(List.of(serial), BigInteger.TWO, Duration.ofDays(1)).getEncoded();
        assertTrue(list.install(second));
        assertFalse(list.install(second));
        // an older list (number 1) would un-revoke the engine's certificate: refused
        byte[] first = ca.issueRevocationList(List.of(), BigInteger.ONE, Duration.ofDays(1)).getEncoded();
        assertThrows(IllegalArgumentException.class, () -> list.install(first));
        // a list from another CA, even with a higher number: refused
        byte[] forged = otherCa.issueRevocationList(List.of(), BigInteger.TEN, Duration.ofDays(1)).getEncoded();
        assertThrows(IllegalArgumentException.class, () -> list.install(forged));
        assertThrows(IllegalArgumentException.class, () -> list.install(new byte[] {1, 2, 3}));
        assertTrue(list.isRevoked(engine.certificate()));
        // what was installed survives a restart
        RevocationList reloaded = RevocationList.persistent(ca.certificate(), file);
        assertEquals(BigInteger.TWO, reloaded.number());
        assertTrue(reloaded.isRevoked(engine.certificate()));
        assertFalse(reloaded.isRevoked(manager.certificate()));
    }
}
