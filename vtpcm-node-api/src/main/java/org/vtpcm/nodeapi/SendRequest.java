package org.vtpcm.nodeapi;

import java.util.UUID;

/**
 * Body of {@code send} (source): export's fields, where the destination manager listens
 * ({@code https://host:port}) and how many parallel streams (1 when absent).
 */
public record SendRequest(UUID vmUuid, String destinationNode, String destinationManager, String nonce, String ephemeralPublicKey,
        Integer streams) {
}
