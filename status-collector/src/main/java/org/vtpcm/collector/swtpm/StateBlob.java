package org.vtpcm.collector.swtpm;

import static java.util.Objects.requireNonNull;

/**
 * One of the TPM engine's state blobs.
 *
 * @param type which blob
 * @param encrypted whether it is encrypted with the engine's state key (false for what QEMU migrates)
 * @param data the blob
 */
public record StateBlob(StateBlobType type, boolean encrypted, byte[] data) {
    public StateBlob {
        requireNonNull(type, "type is null");
        data = requireNonNull(data, "data is null").clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public String toString() {
        return "StateBlob[" + type + ", " + data.length + " bytes" + (encrypted ? ", encrypted" : "") + "]";
    }
}
