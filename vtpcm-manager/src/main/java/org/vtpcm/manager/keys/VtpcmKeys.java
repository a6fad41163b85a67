package org.vtpcm.manager.keys;

import static java.util.Objects.requireNonNull;

import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * A vTPCM's secrets, opened: its identity key pair (SM2 or P-256) and the AES-256 key swtpm uses
 * to encrypt its state files. Never logged, never serialized in clear.
 */
public record VtpcmKeys(PublicKey identityPublic, PrivateKey identityPrivate, byte[] stateKey) {
    public VtpcmKeys {
        requireNonNull(identityPublic, "identityPublic is null");
        requireNonNull(identityPrivate, "identityPrivate is null");
        stateKey = requireNonNull(stateKey, "stateKey is null").clone();
    }

    @Override
    public byte[] stateKey() {
        return stateKey.clone();
    }

    @Override
    public String toString() {
        return "VtpcmKeys[secret]";
    }
}
