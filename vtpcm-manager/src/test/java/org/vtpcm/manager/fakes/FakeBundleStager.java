package org.vtpcm.manager.fakes;

import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.vtpcm.manager.association.Association;
import org.vtpcm.manager.association.ControlPolicy;
import org.vtpcm.manager.association.VtpcmState;
import org.vtpcm.manager.migration.BundleStager;
import org.vtpcm.manager.migration.Sha256;
import org.vtpcm.manager.migration.StateTransferHooks;

/** Records what was staged and answers a retry of the same bundle with the staged row, as {@link StateTransferHooks} does. */
public final class FakeBundleStager implements BundleStager {
    public record Staged(UUID migrationId, byte[] bundle, PublicKey sourceKey, Association row) {
    }

    public final List<Staged> staged = new ArrayList<>();

    @Override
    public synchronized Association stage(UUID migrationId, byte[] sealed, PublicKey sourceKey) {
        Association row = new Association(UUID.randomUUID(), UUID.randomUUID(), "vm", VtpcmState.STAGED, 1, "n2", ControlPolicy.DENY,
                Instant.EPOCH, Instant.EPOCH, Optional.empty());
        staged.add(new Staged(migrationId, sealed.clone(), sourceKey, row));
        return row;
    }

    @Override
    public synchronized Optional<Association> stagedFrom(UUID migrationId, byte[] bundleSha256) {
        return staged.stream().filter(entry -> entry.migrationId().equals(migrationId))
                .filter(entry -> MessageDigest.isEqual(Sha256.of(entry.bundle()), bundleSha256)).map(Staged::row).findFirst();
    }
}
