package org.vtpcm.protocol.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IssuedIdentityTest {

    private static CloudCa ca;
    private static IssuedIdentity identity;

    @TempDir
    Path dir;

    @BeforeAll
    static void issue(@TempDir Path caDir) {
        ca = CloudCa.create("identity-test-ca", caDir);
        identity = ca.issueTlsIdentity(Role.NODE_MANAGER, "node-1", List.of("node-1"), List.of("10.200.0.1"),
                Duration.ofDays(30), true, true);
    }

    @Test
    void pemRoundTrip() throws Exception {
        identity.writePem(dir, "node");
        assertEquals("rw-------", PemTest.mode(dir.resolve("node.key")));
        assertTrue(Files.exists(dir.resolve("node.crt")));
        assertTrue(Files.exists(dir.resolve("ca.crt")));
        IssuedIdentity read = IssuedIdentity.readPem(dir, "node");
        assertArrayEquals(identity.key().getEncoded(), read.key().getEncoded());
        assertEquals(identity.certificate(), read.certificate());
        assertEquals(identity.caCertificate(), read.caCertificate());
        assertEquals(ca.certificate(), read.caCertificate());
    }

    @Test
    void mismatchedKeyIsRejected() {
        identity.writePem(dir, "node");
        IssuedIdentity other = ca.issueTlsIdentity(Role.NODE_MANAGER, "node-2", List.of(), List.of(), Duration.ofDays(1), true, true);
        Pem.writePrivateKey(dir.resolve("node.key"), other.key());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IssuedIdentity.readPem(dir, "node"));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }

    @Test
    void baseNameMustBeAPlainFileNameAndNotCa() {
        for (String bad : List.of("", " ", ".", "..", "a/b", "../x", "ca")) {
            assertThrows(IllegalArgumentException.class, () -> identity.writePem(dir, bad), bad);
            assertThrows(IllegalArgumentException.class, () -> IssuedIdentity.readPem(dir, bad), bad);
        }
    }

    @Test
    void nullsAreRejected() {
        assertThrows(NullPointerException.class,
                () -> new IssuedIdentity(null, identity.certificate(), identity.caCertificate()));
        assertThrows(NullPointerException.class,
                () -> new IssuedIdentity(identity.key(), null, identity.caCertificate()));
        assertThrows(NullPointerException.class,
                () -> new IssuedIdentity(identity.key(), identity.certificate(), null));
    }

    @Test
    void toStringDoesNotShowTheKey() {
        String text = identity.toString();
        assertTrue(text.contains("node-1"), text);
        assertFalse(text.toLowerCase().contains("private"), text);
    }
}
