package org.vtpcm.manager.migration;

import static java.util.Objects.requireNonNull;

import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Migrations this node has prepared as destination: what it expects to receive and the ephemeral
 * key bundles are encrypted to. Held in memory: a destination manager that restarts before staging
 * has lost the key, the bundle cannot be opened, and the migration is rolled back (nothing of the
 * source is lost). After staging, the staged snapshot carries the state.
 */
public final class IncomingMigrations {
    private final Map<UUID, Prepared> prepared = new ConcurrentHashMap<>();
    private final Consumer<UUID> onRemoved;

    /**
     * One prepared migration.
     *
     * @param sourceNode the node the state must come from (the CN of its certificate), if the caller named it
     * @param sourceSigningKey the source manager's bundle signing key, if the caller named it at prepare
     */
    public record Prepared(UUID migrationId, UUID vtpcmId, UUID vmUuid, long epoch, byte[] nonce, KeyPair ephemeral,
            Optional<String> sourceNode, Optional<PublicKey> sourceSigningKey) {
        public Prepared {
            requireNonNull(migrationId, "migrationId is null");
            nonce = requireNonNull(nonce, "nonce is null").clone();
            requireNonNull(ephemeral, "ephemeral is null");
            requireNonNull(sourceNode, "sourceNode is null");
            requireNonNull(sourceSigningKey, "sourceSigningKey is null");
        }

        public Prepared(UUID migrationId, UUID vtpcmId, UUID vmUuid, long epoch, byte[] nonce, KeyPair ephemeral) {
            this(migrationId, vtpcmId, vmUuid, epoch, nonce, ephemeral, Optional.empty(), Optional.empty());
        }

        @Override
        public byte[] nonce() {
            return nonce.clone();
        }

        /**
         * The key the bundle's signature must verify with: the one prepare named (a stage request may
         * repeat it, never change it), else the one the stage request offers.
         */
        public PublicKey sourceKeyFor(Optional<PublicKey> offered) {
            if (sourceSigningKey.isPresent()) {
                if (offered.isPresent() && !MessageDigest.isEqual(offered.get().getEncoded(), sourceSigningKey.get().getEncoded())) {
                    throw new TransferException(TransferException.Reason.SOURCE_KEY_MISMATCH, "migration " + migrationId
                            + ": sourceSigningKey differs from the one prepare-incoming named; omit it or send the same key");
                }
                return sourceSigningKey.get();
            }
            return offered.orElseThrow(() -> new TransferException(TransferException.Reason.SOURCE_KEY_REQUIRED,
                    "sourceSigningKey is required: prepare-incoming of migration " + migrationId + " named no source key"));
        }
    }

    public IncomingMigrations() {
        this(migrationId -> {
        });
    }

    /** @param onRemoved discards what was received for a migration once it is committed or aborted (its spool) */
    public IncomingMigrations(Consumer<UUID> onRemoved) {
        this.onRemoved = requireNonNull(onRemoved, "onRemoved is null");
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
        onRemoved.accept(migrationId);
    }
}
