package org.vtpcm.nodeapi;

import java.util.UUID;

/**
 * Body of {@code prepare-incoming} (destination): epoch is the one the vTPCM will have there (source
 * epoch + 1). The optional sourceNode (the source's certificate name) and sourceSigningKey (hex, its
 * {@link NodeView#bundleSigningKey()}) let the source manager push the state itself (send, stage-chunks).
 */
public record PrepareIncomingRequest(UUID vtpcmId, UUID vmUuid, String vmName, Long epoch, String policy, String nonce,
        String sourceNode, String sourceSigningKey) {
}
