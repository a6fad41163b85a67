package org.vtpcm.collector.swtpm;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.protocol.state.StateDigest;

/**
 * The digest of a TPM engine's migrated state: the suite's hash (SM3 by default) over each blob
 * in type order, framed as type (u32) | length (u32) | bytes. Computed from the blobs QEMU fetched
 * at the source and from those it loaded at the destination; equal digests prove the state that
 * arrived is exactly the state that left.
 */
public final class StateBlobDigest {
    private StateBlobDigest() {
    }

    public static StateDigest of(CryptoSuite suite, Map<StateBlobType, byte[]> blobs) {
        if (blobs.isEmpty()) {
            return StateDigest.NONE;
        }
        SortedMap<StateBlobType, byte[]> ordered = new TreeMap<>(blobs);
        int size = 0;
        for (byte[] blob : ordered.values()) {
            size += 8 + blob.length;
        }
        ByteBuffer framed = ByteBuffer.allocate(size);
        ordered.forEach((type, blob) -> framed.putInt(type.code()).putInt(blob.length).put(blob));
        return StateDigest.of(suite.digest(framed.array()));
    }
}
