package org.vtpcm.nodeapi;

/** Answer of a chunk upload: its index, size, and whether the same chunk had already arrived. */
public record ChunkView(int index, int bytes, boolean duplicate) {
}
