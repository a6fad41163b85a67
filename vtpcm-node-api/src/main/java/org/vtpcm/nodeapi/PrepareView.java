package org.vtpcm.nodeapi;

/** Answer of {@code prepare-incoming}: the prepared row and the destination's ephemeral public key (hex) for the bundle. */
public record PrepareView(AssociationView vtpcm, String ephemeralPublicKey) {
}
