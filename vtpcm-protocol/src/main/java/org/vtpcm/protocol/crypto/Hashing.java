package org.vtpcm.protocol.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.function.Supplier;
import org.bouncycastle.crypto.Digest;

/** One message digest, over byte arrays or streams. */
final class Hashing {

    private static final int BUFFER_SIZE = 64 * 1024;

    private final Supplier<Digest> digests;

    Hashing(Supplier<Digest> digests) {
        this.digests = Objects.requireNonNull(digests, "digests is null");
    }

    Digest newDigest() {
        return digests.get();
    }

    byte[] digest(byte[] data) {
        Objects.requireNonNull(data, "data is null");
        Digest digest = digests.get();
        digest.update(data, 0, data.length);
        return finish(digest);
    }

    byte[] digest(InputStream in) throws IOException {
        Objects.requireNonNull(in, "in is null");
        Digest digest = digests.get();
        byte[] buffer = new byte[BUFFER_SIZE];
        int n;
        while ((n = in.read(buffer)) != -1) {
            digest.update(buffer, 0, n);
        }
        return finish(digest);
    }

    private static byte[] finish(Digest digest) {
        byte[] out = new byte[digest.getDigestSize()];
        digest.doFinal(out, 0);
        return out;
    }
}
