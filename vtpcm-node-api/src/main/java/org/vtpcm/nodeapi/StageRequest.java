package org.vtpcm.nodeapi;

/** Body of {@code stage} (destination): a sealed bundle (base64) and, optionally, the source's signing key (hex). */
public record StageRequest(String bundle, String sourceSigningKey) {
}
