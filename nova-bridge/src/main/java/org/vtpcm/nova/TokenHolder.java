package org.vtpcm.nova;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;

/** Keeps one Keystone token for all calls; renews it shortly before it expires or when Nova rejected it. */
final class TokenHolder {
    /** A token this close to expiry is renewed first, so a call does not start with a token that dies mid-way. */
    static final Duration RENEW_BEFORE = Duration.ofMinutes(5);

    private final KeystoneAuthenticator keystone;
    private final Clock clock;
    private AuthSession current;

    TokenHolder(KeystoneAuthenticator keystone, Clock clock) {
        this.keystone = requireNonNull(keystone, "keystone is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    synchronized AuthSession session() {
        if (current == null || !current.expiresAt().isAfter(clock.instant().plus(RENEW_BEFORE))) {
            current = keystone.authenticate();
        }
        return current;
    }

    /** Nova answered 401 to {@code rejected}: get a new token, unless another call already did. */
    synchronized AuthSession renew(AuthSession rejected) {
        if (current == null || current == rejected) {
            current = keystone.authenticate();
        }
        return current;
    }
}
