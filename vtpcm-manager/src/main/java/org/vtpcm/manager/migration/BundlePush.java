package org.vtpcm.manager.migration;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.security.PublicKey;
import java.util.UUID;

/**
 * Source: exports the FROZEN vTPCM's state (sealed for the destination) and pushes it to the
 * destination manager directly, which stages it. If the push fails, the vTPCM stays MIGRATING_OUT
 * and the caller aborts the migration.
 */
public final class BundlePush {
    private final StateTransferHooks transfer;
    private final BundleSender sender;

    public BundlePush(StateTransferHooks transfer, BundleSender sender) {
        this.transfer = requireNonNull(transfer, "transfer is null");
        this.sender = requireNonNull(sender, "sender is null");
    }

    /** The transfer's figures and the epoch the bundle carries. */
    public record Pushed(BundleSender.Report report, long epoch) {
    }

    public Pushed push(UUID migrationId, UUID vmUuid, String destinationNode, URI destinationManager, byte[] nonce,
            PublicKey destinationEphemeral, int streams) {
        StateTransferHooks.Exported exported = transfer.export(migrationId, vmUuid, destinationNode, nonce, destinationEphemeral);
        return new Pushed(sender.send(destinationManager, migrationId, exported.bundle(), streams), exported.epoch());
    }
}
