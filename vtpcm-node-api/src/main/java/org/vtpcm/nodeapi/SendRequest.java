package org.vtpcm.nodeapi;

import java.util.UUID;

/**
 * Body of {@code send} (source): export's fields, where the destination manager listens
 * ({@code https://host:port}) and how many parallel streams (1 when absent). With {@code background}
 * the source answers as soon as the bundle is sealed (the vTPCM MIGRATING_OUT) and pushes it while
 * the VM migrates; the push's progress is then the {@code bundle} of the VM migration's view. A send
 * repeated for a vTPCM already MIGRATING_OUT in the migration pushes the same sealed bundle again.
 */
public record SendRequest(UUID vmUuid, String destinationNode, String destinationManager, String nonce, String ephemeralPublicKey,
        Integer streams, Boolean background) {
    public SendRequest(UUID vmUuid, String destinationNode, String destinationManager, String nonce, String ephemeralPublicKey,
            Integer streams) {
        this(vmUuid, destinationNode, destinationManager, nonce, ephemeralPublicKey, streams, null);
    }

    public boolean inBackground() {
        return Boolean.TRUE.equals(background);
    }
}
