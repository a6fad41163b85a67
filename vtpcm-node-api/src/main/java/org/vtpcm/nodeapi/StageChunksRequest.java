package org.vtpcm.nodeapi;

/** Body of {@code stage-chunks} (destination): how many chunks, the bundle's length and its SHA-256 (hex). */
public record StageChunksRequest(Integer count, Long length, String sha256) {
}
