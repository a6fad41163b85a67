package org.vtpcm.engine.certificates;

import org.vtpcm.protocol.time.ManualClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.engine.journal.EngineSchema;
import org.vtpcm.attestation.enrollment.EnrollmentAuthority;
import org.vtpcm.protocol.store.SqliteDatabase;
import org.vtpcm.protocol.store.StoreException;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.Role;
import org.vtpcm.protocol.tls.RevocationList;

/** The registry as the engine's revocation source and CRL issuer: each attack on it as a test. */
class CertificateRegistryTest {
    @TempDir
    Path folder;
    private CloudCa ca;
    private ManualClock clock;
    private SqliteDatabase database;
    private CertificateRegistry registry;

    @BeforeEach
    void open() {
        ca = CloudCa.create("test CA", folder.resolve("ca"));
        clock = new ManualClock(Instant.now());
        database = SqliteDatabase.open(folder.resolve("engine.db"), EngineSchema.VERSION, EngineSchema.DDL);
        registry = new CertificateRegistry(database, ca, clock);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aRevokedOperatorIsRevokedAtOnceAndOnTheListManagersInstall() {
        X509Certificate operator = tls(Role.OPERATOR, "alice");
        registry.recordClient(operator);
        assertFalse(registry.isRevoked(operator));
        BigInteger before = registry.current().number();

        CertificateRecord revoked = registry.revoke(operator.getSerialNumber().toString(16).toUpperCase(), "laptop stolen", "bob");
        assertEquals(CertificateRecord.State.REVOKED, revoked.state());
        assertEquals("laptop stolen", revoked.revocationReason());
        assertEquals("bob", revoked.revokedBy());
        assertTrue(registry.isRevoked(operator), "the engine's own handshakes refuse it from now on");
        PublishedList list = registry.current();
        assertEquals(before.add(BigInteger.ONE), list.number());
        RevocationList manager = RevocationList.inMemory(ca.certificate());
        assertTrue(manager.install(list.der()));
        assertTrue(manager.isRevoked(operator), "the list a manager installs names it");
    }

    @Test
    void aRevocationIsFinalAndTwiceIs409() {
        X509Certificate operator = tls(Role.OPERATOR, "alice");
        registry.recordClient(operator);
        String serial = operator.getSerialNumber().toString(16);
        registry.revoke(serial, "left the team", "bob");
        CertificateRefusal again = assertThrows(CertificateRefusal.class, () -> registry.revoke(serial, "again", "bob"));
        assertEquals(409, again.status());
        // not even the database lets anyone un-revoke it
        assertThrows(StoreException.class, () -> database.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE certificate SET revoked_at = NULL WHERE serial = ?")) {
                update.setString(1, serial);
                return update.executeUpdate();
            }
        }));
        assertThrows(StoreException.class, () -> database.inTransaction(connection -> connection.createStatement()
                .executeUpdate("DELETE FROM certificate")));
        SqliteDatabase reopened = database;
        assertTrue(new CertificateRegistry(reopened, ca, clock).isRevoked(operator), "a new registry loads the revocation");
    }

    @Test
    void badSerialsReasonsAndUnknownCertificatesAreRefused() {
        assertEquals(400, assertThrows(CertificateRefusal.class, () -> registry.revoke("xyz", "r", "bob")).status());
        assertEquals(400, assertThrows(CertificateRefusal.class, () -> registry.revoke("ab".repeat(21), "r", "bob")).status());
        assertEquals(404, assertThrows(CertificateRefusal.class, () -> registry.revoke("0a:bc", "r", "bob")).status());
        X509Certificate operator = tls(Role.OPERATOR, "alice");
        registry.recordClient(operator);
        String serial = operator.getSerialNumber().toString(16);
        assertEquals(400, assertThrows(CertificateRefusal.class, () -> registry.revoke(serial, " ", "bob")).status());
        assertEquals(400, assertThrows(CertificateRefusal.class, () -> registry.revoke(serial, "a\nforged log line", "bob")).status());
        assertEquals(400, assertThrows(CertificateRefusal.class, () -> registry.revoke(serial, "x".repeat(201), "bob")).status());
        assertFalse(registry.isRevoked(operator));
        assertEquals("ab", CertificateRegistry.serial("0x00AB"));
        assertEquals("abcd", CertificateRegistry.serial("ab:CD"));
    }

    @Test
    void reEnrollingRevokesTheNodesEarlierCertificatesButNotItsComputeServiceOrOtherNodes() {
        List<X509Certificate> first = enrollment("n1");
        List<X509Certificate> other = enrollment("n2");
        X509Certificate compute = tls(Role.NOVA_COMPUTE, "nova-compute.n1");
        registry.recordClient(compute);
        registry.enrolled("n1", first);
        registry.enrolled("n2", other);
        BigInteger before = registry.current().number();

        List<X509Certificate> second = enrollment("n1");
        List<CertificateRecord> revoked = registry.enrolled("n1", second);
        assertEquals(3, revoked.size(), revoked.toString());
        assertEquals(Set.of("node-manager", "node-qemu", "attestation-key"), Set.copyOf(revoked.stream().map(CertificateRecord::role)
                .toList()));
        first.forEach(certificate -> assertTrue(registry.isRevoked(certificate), "the old one is refused: " + certificate));
        second.forEach(certificate -> assertFalse(registry.isRevoked(certificate)));
        other.forEach(certificate -> assertFalse(registry.isRevoked(certificate)));
        assertFalse(registry.isRevoked(compute), "its nova-compute identity is not enrollment's");
        assertEquals(before.add(BigInteger.ONE), registry.current().number(), "one new list for the whole re-enrollment");
        RevocationList manager = RevocationList.inMemory(ca.certificate());
        manager.install(registry.current().der());
        first.forEach(certificate -> assertTrue(manager.isRevoked(certificate)));
        assertEquals("n1", registry.list(Optional.of("n1")).get(0).node());
    }

    @Test
    void aNodeRemovedFromHostsLosesEveryIdentityAndANodeRevokeTakesAllItsRoles() {
        List<X509Certificate> kept = enrollment("n1");
        List<X509Certificate> removed = enrollment("n2");
        X509Certificate removedCompute = tls(Role.NOVA_COMPUTE, "nova-compute.n2");
        X509Certificate operator = tls(Role.OPERATOR, "alice");
        registry.enrolled("n1", kept);
        registry.enrolled("n2", removed);
        registry.recordClient(removedCompute);
        registry.recordClient(operator);

        List<CertificateRecord> revoked = registry.revokeNodesOtherThan(Set.of("n1"), "engine start-up");
        assertEquals(4, revoked.size());
        removed.forEach(certificate -> assertTrue(registry.isRevoked(certificate)));
        assertTrue(registry.isRevoked(removedCompute));
        kept.forEach(certificate -> assertFalse(registry.isRevoked(certificate)));
        assertFalse(registry.isRevoked(operator));
        BigInteger number = registry.current().number();
        assertEquals(List.of(), registry.revokeNodesOtherThan(Set.of("n1"), "engine start-up"));
        assertEquals(number, registry.current().number(), "nothing changed, no new list");

        assertEquals(3, registry.revokeNode("n1", "decommissioned", "bob").size());
        kept.forEach(certificate -> assertTrue(registry.isRevoked(certificate)));
    }

    @Test
    void theListNumberOnlyGrowsAcrossRestartsAndTheListIsReissuedBeforeItGoesStale() {
        PublishedList first = registry.current();
        assertEquals(BigInteger.ONE, first.number());
        assertEquals(first.number(), registry.reissueIfDue().number(), "fresh: not reissued");
        clock.advance(CertificateRegistry.LIST_VALIDITY.dividedBy(2).plusMinutes(1));
        PublishedList reissued = registry.reissueIfDue();
        assertEquals(BigInteger.TWO, reissued.number());
        database.close();
        database = SqliteDatabase.open(folder.resolve("engine.db"), EngineSchema.VERSION, EngineSchema.DDL);
        CertificateRegistry restarted = new CertificateRegistry(database, ca, clock);
        assertEquals(BigInteger.TWO, restarted.current().number());
        X509Certificate operator = tls(Role.OPERATOR, "alice");
        restarted.recordClient(operator);
        restarted.revoke(operator.getSerialNumber().toString(16), "test", "bob");
        assertEquals(BigInteger.valueOf(3), restarted.current().number());
        assertThrows(StoreException.class, () -> database.inTransaction(connection -> connection.createStatement()
                .executeUpdate("UPDATE revocation_list SET number = 1")), "the database refuses an older number");
    }

    @Test
    void expiredRevokedCertificatesDropOffTheList() {
        X509Certificate shortLived = ca.issueTlsIdentity(Role.OPERATOR, "temp", List.of(), List.of(), Duration.ofHours(1), false, true)
                .certificate();
        registry.recordClient(shortLived);
        registry.revoke(shortLived.getSerialNumber().toString(16), "test", "bob");
        RevocationList manager = RevocationList.inMemory(ca.certificate());
        manager.install(registry.current().der());
        assertTrue(manager.isRevoked(shortLived));
        clock.advance(Duration.ofDays(5));
        PublishedList later = registry.reissueIfDue();
        manager.install(later.der());
        assertFalse(manager.isRevoked(shortLived), "expired for days: off the list (its expiry refuses it anyway)");
        assertTrue(registry.isRevoked(shortLived), "still refused by the engine");
    }

    private X509Certificate tls(Role role, String name) {
        return ca.issueTlsIdentity(role, name, List.of(), List.of(), Duration.ofDays(30), false, true).certificate();
    }

    private List<X509Certificate> enrollment(String node) {
        return List.of(ca.certifyTlsKey(Role.NODE_MANAGER, CloudCa.newTlsKeyPair().getPublic(), node, List.of(node), List.of("10.0.0.1"),
                Duration.ofDays(30), true, true), ca.certifyTlsKey(Role.NODE_QEMU, CloudCa.newTlsKeyPair().getPublic(), node, List.of(node),
                List.of("10.0.0.1"), Duration.ofDays(30), true, true), ca.certifyPublicKey(CloudCa.newTlsKeyPair().getPublic(),
                node + " attestation key", Duration.ofDays(30), EnrollmentAuthority.AK_CERTIFICATE_PURPOSE));
    }
}
