package org.vtpcm.collector.bundle;

import java.nio.charset.CharacterCodingException;
import java.util.UUID;
import org.vtpcm.collector.bundle.BundleRejectedException.Reason;

/**
 * A bounds-checked big-endian reader over a window of a byte array. Every read first checks that
 * the bytes are there, and every variable-length read is checked against the remaining input
 * before anything is allocated, so a hostile length field can never cause a large allocation.
 * Failures are {@link BundleRejectedException}s with the reason given at construction.
 */
final class ByteSource {

    private final byte[] data;
    private final int end;
    private final Reason reason;
    private final String what;
    private int position;

    ByteSource(byte[] data, Reason reason, String what) {
        this(data, 0, data.length, reason, what);
    }

    private ByteSource(byte[] data, int offset, int end, Reason reason, String what) {
        this.data = data;
        this.position = offset;
        this.end = end;
        this.reason = reason;
        this.what = what;
    }

    int remaining() {
        return end - position;
    }

    boolean hasRemaining() {
        return position < end;
    }

    int u8() {
        need(1, "a byte");
        return data[position++] & 0xff;
    }

    int u16() {
        need(2, "a 16-bit integer");
        int value = ((data[position] & 0xff) << 8) | (data[position + 1] & 0xff);
        position += 2;
        return value;
    }

    /** Unsigned 32-bit value, as a long so that huge lengths stay positive. */
    long u32() {
        need(4, "a 32-bit integer");
        long value = ((long) (data[position] & 0xff) << 24) | ((data[position + 1] & 0xff) << 16)
                | ((data[position + 2] & 0xff) << 8) | (data[position + 3] & 0xff);
        position += 4;
        return value;
    }

    int i32() {
        return (int) u32();
    }

    long i64() {
        return (u32() << 32) | u32();
    }

    UUID uuid() {
        long high = i64();
        return new UUID(high, i64());
    }

    byte[] bytes(long length, String field) {
        checkLength(length, field);
        byte[] out = new byte[(int) length];
        System.arraycopy(data, position, out, 0, out.length);
        position += out.length;
        return out;
    }

    /** A reader over the next {@code length} bytes (no copy); this reader skips them. */
    ByteSource slice(long length, String field) {
        checkLength(length, field);
        ByteSource slice = new ByteSource(data, position, position + (int) length, reason, field);
        position += (int) length;
        return slice;
    }

    /** A length-prefixed (u32) strict UTF-8 string of at most {@code maxBytes} bytes. */
    String utf8(int maxBytes, String field) {
        long length = u32();
        if (length > maxBytes) {
            throw reject(field + " is " + length + " bytes, more than its limit " + maxBytes);
        }
        checkLength(length, field);
        String value;
        try {
            value = Utf8.decode(data, position, (int) length);
        } catch (CharacterCodingException e) {
            throw reject(field + " is not valid UTF-8");
        }
        position += (int) length;
        return value;
    }

    /** Fails unless every byte of this window has been read. */
    void requireEnd() {
        if (position != end) {
            throw reject((end - position) + " unexpected trailing bytes after " + what);
        }
    }

    BundleRejectedException reject(String detail) {
        return new BundleRejectedException(reason, detail);
    }

    private void checkLength(long length, String field) {
        if (length < 0 || length > remaining()) {
            throw reject(field + " declares " + length + " bytes but only " + remaining() + " remain in " + what);
        }
    }

    private void need(int count, String item) {
        if (remaining() < count) {
            throw reject(what + " ends where " + item + " was expected");
        }
    }
}
