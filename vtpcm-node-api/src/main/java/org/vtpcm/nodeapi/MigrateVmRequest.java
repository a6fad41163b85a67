package org.vtpcm.nodeapi;

import java.util.UUID;

/**
 * Body of {@code migrate-vm} (source). destinationNode must be the node the vTPCM's state was sent to
 * in this migration. Absent options take the defaults: one stream, no compression, TLS, paused, no
 * bandwidth cap; tls false is refused unless the node's configuration allows plaintext.
 */
public record MigrateVmRequest(UUID vmUuid, String destinationUri, String destinationNode, Integer parallel, Boolean compress,
        Boolean tls, Boolean paused, Long bandwidthMiBs) {
}
