package org.vtpcm.engine.certificates;

import org.vtpcm.protocol.time.ManualClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.engine.journal.EngineSchema;
import org.vtpcm.protocol.store.SqliteDatabase;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.IssuedIdentity;
import org.vtpcm.protocol.pki.Role;

/** The engine's own identity: 90 days, recorded, renewed with a third of its life left, the old one revoked. */
class EngineIdentityTest {
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
    void aNewIdentityLastsNinetyDaysAndIsRecorded() {
        IssuedIdentity identity = current();
        X509Certificate certificate = identity.certificate();
        long days = Duration.between(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant()).toDays();
        assertEquals(90, days);
        assertEquals(Optional.of(Role.ENGINE), Role.of(certificate));
        CertificateRecord record = registry.find(certificate.getSerialNumber().toString(16)).orElseThrow();
        assertEquals("engine", record.role());
        assertEquals("vtpcm-engine", record.subject());
        assertEquals(certificate, current().certificate(), "kept while it has more than a third of its life");
    }

    @Test
    void withAThirdOfItsLifeLeftItIsRenewedAndTheOldOneRevoked() {
        X509Certificate old = current().certificate();
        clock.advance(Duration.ofDays(61));
        X509Certificate renewed = current().certificate();
        assertNotEquals(old.getSerialNumber(), renewed.getSerialNumber());
        assertTrue(registry.isRevoked(old));
        assertFalse(registry.isRevoked(renewed));
        assertEquals(renewed, IssuedIdentity.readPem(folder.resolve("tls"), "vtpcm-engine").certificate(), "written for the next start");
    }

    @Test
    void aLongLivedIdentityOfAnOlderVersionAndARevokedOneAreReplaced() {
        IssuedIdentity legacy = ca.issueTlsIdentity(Role.ENGINE, "vtpcm-engine", List.of("vtpcm-engine"), List.of("127.0.0.1"),
                Duration.ofDays(365), true, true);
        legacy.writePem(folder.resolve("tls"), "vtpcm-engine");
        X509Certificate replaced = current().certificate();
        assertNotEquals(legacy.certificate(), replaced);
        assertTrue(registry.isRevoked(legacy.certificate()));

        registry.revoke(replaced.getSerialNumber().toString(16), "key leaked", "operator");
        X509Certificate again = current().certificate();
        assertNotEquals(replaced, again);
        assertFalse(registry.isRevoked(again));
    }

    @Test
    void renewalIsDueWithAThirdOfTheLifeLeft() {
        X509Certificate certificate = ca.issueTlsIdentity(Role.ENGINE, "e", List.of(), List.of(), Duration.ofDays(90), true, true)
                .certificate();
        Instant start = certificate.getNotBefore().toInstant();
        assertFalse(EngineIdentity.needsRenewal(certificate, start.plus(Duration.ofDays(59))));
        assertTrue(EngineIdentity.needsRenewal(certificate, start.plus(Duration.ofDays(61))));
        assertTrue(EngineIdentity.needsRenewal(certificate, start.plus(Duration.ofDays(100))));
    }

    private IssuedIdentity current() {
        return EngineIdentity.current(ca, registry, clock, folder.resolve("tls"), "vtpcm-engine", "127.0.0.1");
    }
}
