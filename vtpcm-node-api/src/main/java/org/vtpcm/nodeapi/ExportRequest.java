package org.vtpcm.nodeapi;

import java.util.UUID;

/** Body of {@code export} (source): whom the sealed bundle is for, the migration's nonce and the destination's ephemeral key (hex). */
public record ExportRequest(UUID vmUuid, String destinationNode, String nonce, String ephemeralPublicKey) {
}
