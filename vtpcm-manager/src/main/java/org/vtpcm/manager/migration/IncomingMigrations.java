package org.vtpcm.manager.migration;

import static java.util.Objects.requireNonNull;

import java.security.KeyPair;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Migrations this node has prepared as destination: what it expects to receive and the ephemeral
 * key bundles are encrypted to. Held in memory: a destination manager that restarts before staging
 * has lost the key, the bundle cannot be opened, and the migration is rolled back (nothing of the
 * source is lost). After staging, the staged snapshot carries the state.
 */
public final class IncomingMigrations {
    private final Map<UUID, Prepared> prepared = new ConcurrentHashMap<>();

    /** One prepared migration. */
    public record Prepared(UUID migrationId, UUID vtpcmId, UUID vmUuid, long epoch, byte[] nonce, KeyPair ephemeral) {
        public Prepared {
            requireNonNull(migrationId, "migrationId is null");
            nonce = requireNonNull(nonce, "nonce is null").clone();
            requireNonNull(ephemeral, "ephemeral is null");
        }

        @Override
        public byte[] nonce() {
            return nonce.clone();
        }
    }

    public void add(Prepared migration) {
        if (prepared.putIfAbsent(migration.migrationId(), migration) != null) {
            throw new org.vtpcm.manager.association.IllegalTransitionException("migration " + migration.migrationId()
                    + " is already prepared here");
        }
    }

    public Optional<Prepared> find(UUID migrationId) {
        return Optional.ofNullable(prepared.get(migrationId));
    }

    public void remove(UUID migrationId) {
        prepared.remove(migrationId);
    }
}
