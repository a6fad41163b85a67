package org.vtpcm.engine.certificates;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.IssuedIdentity;
import org.vtpcm.protocol.pki.Role;

/**
 * The engine's own TLS identity (role engine, {@link #LIFETIME}), kept under {@code <state.dir>/tls}
 * and recorded in the registry. At start-up it is renewed when less than a third of its life is
 * left, or when it was issued for longer than {@link #LIFETIME} (an identity of an older version);
 * the one it replaces is revoked. A revoked identity (an operator revoked it) is replaced as well.
 */
public final class EngineIdentity {
    public static final Duration LIFETIME = Duration.ofDays(90);
    private static final Logger LOG = LoggerFactory.getLogger(EngineIdentity.class);

    private EngineIdentity() {
    }

    /**
     * The identity to use from now on: the one on disk, or a new one.
     *
     * @param name the identity's CN, DNS name and file name
     * @param address the engine's API address, its IP subjectAltName when it is an IP literal
     */
    public static IssuedIdentity current(CloudCa ca, CertificateRegistry registry, Clock clock, Path directory, String name,
            String address) {
        requireNonNull(ca, "ca is null");
        Optional<IssuedIdentity> held = Files.exists(directory.resolve(name + ".crt")) ? Optional.of(IssuedIdentity.readPem(directory, name))
                : Optional.empty();
        held.ifPresent(identity -> registry.record(identity.certificate(), Optional.empty()));
        if (held.isPresent() && !needsRenewal(held.get().certificate(), clock.instant()) && !registry.isRevoked(held.get().certificate())) {
            return held.get();
        }
        IssuedIdentity fresh = ca.issueTlsIdentity(Role.ENGINE, name, List.of(name), List.of(address), LIFETIME, true, true);
        registry.record(fresh.certificate(), Optional.empty());
        fresh.writePem(directory, name);
        if (held.isPresent()) {
            X509Certificate old = held.get().certificate();
            LOG.info("the engine's identity {} (valid until {}) renewed: new serial {}", CertificateRegistry.hex(old.getSerialNumber()),
                    old.getNotAfter().toInstant(), CertificateRegistry.hex(fresh.certificate().getSerialNumber()));
            if (registry.find(CertificateRegistry.hex(old.getSerialNumber())).map(CertificateRecord::revokedAt).isEmpty()) {
                registry.revoke(CertificateRegistry.hex(old.getSerialNumber()), "superseded: the engine's identity was renewed", "engine");
            }
        }
        return fresh;
    }

    /** Whether an identity is due: a third or less of its life left, past its end, or issued for longer than {@link #LIFETIME}. */
    static boolean needsRenewal(X509Certificate certificate, Instant now) {
        Instant from = certificate.getNotBefore().toInstant();
        Instant until = certificate.getNotAfter().toInstant();
        Duration life = Duration.between(from, until);
        // the CA back-dates certificates by a few minutes for clock skew; a day of slack tells old long-lived identities apart
        if (life.compareTo(LIFETIME.plusDays(1)) > 0) {
            return true;
        }
        return !now.isBefore(until.minus(life.dividedBy(3)));
    }
}
