package org.vtpcm.nodeapi;

/** Answer of {@code export}: the sealed bundle (base64) and the epoch it carries. */
public record ExportView(String bundle, long epoch) {
}
