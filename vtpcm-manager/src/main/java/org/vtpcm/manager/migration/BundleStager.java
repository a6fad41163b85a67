package org.vtpcm.manager.migration;

import java.security.PublicKey;
import java.util.Optional;
import java.util.UUID;
import org.vtpcm.manager.association.Association;

/** Where a reassembled state bundle goes: {@link StateTransferHooks} in the manager, a fake in tests. */
public interface BundleStager {
    /** Opens, checks and keeps the sealed bundle of a prepared migration. */
    Association stage(UUID migrationId, byte[] sealed, PublicKey sourceKey);

    /** The vTPCM's row if this migration is already staged from the bundle with this SHA-256 (a retried stage). */
    Optional<Association> stagedFrom(UUID migrationId, byte[] bundleSha256);
}
