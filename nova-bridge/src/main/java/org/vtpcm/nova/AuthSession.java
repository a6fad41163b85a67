package org.vtpcm.nova;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Instant;
import org.openstack4j.model.identity.v3.Token;

/**
 * One Keystone token and what it was issued with. Package-private: the token never leaves nova-bridge, and
 * {@link #toString()} does not show it.
 *
 * @param openstack4jToken the same token as openstack4j's model, to open a per-call openstack4j session from
 */
record AuthSession(String tokenId, Instant expiresAt, URI computeEndpoint, Token openstack4jToken) {
    AuthSession {
        requireNonNull(tokenId, "tokenId is null");
        requireNonNull(expiresAt, "expiresAt is null");
        requireNonNull(computeEndpoint, "computeEndpoint is null");
        requireNonNull(openstack4jToken, "openstack4jToken is null");
    }

    @Override
    public String toString() {
        return "AuthSession[token=***, expiresAt=" + expiresAt + ", compute=" + computeEndpoint + "]";
    }
}
