package org.vtpcm.collector.bundle;

import java.util.Arrays;

/**
 * A growable big-endian output buffer with a hard size limit (so encoding a huge bundle fails
 * early instead of exhausting memory) that can be wiped, because it may hold a private key.
 */
final class ByteSink {

    private final int limit;
    private byte[] buffer = new byte[1024];
    private int size;

    ByteSink(int limit) {
        this.limit = limit;
    }

    int size() {
        return size;
    }

    ByteSink u8(int value) {
        ensure(1);
        buffer[size++] = (byte) value;
        return this;
    }

    ByteSink u16(int value) {
        ensure(2);
        buffer[size++] = (byte) (value >>> 8);
        buffer[size++] = (byte) value;
        return this;
    }

    ByteSink u32(long value) {
        ensure(4);
        putU32(size, value);
        size += 4;
        return this;
    }

    ByteSink i32(int value) {
        return u32(value & 0xffff_ffffL);
    }

    ByteSink i64(long value) {
        u32(value >>> 32);
        return u32(value & 0xffff_ffffL);
    }

    ByteSink bytes(byte[] value) {
        ensure(value.length);
        System.arraycopy(value, 0, buffer, size, value.length);
        size += value.length;
        return this;
    }

    /** Reserves a u32 to fill in later with {@link #patchU32}; returns its position. */
    int reserveU32() {
        int position = size;
        u32(0);
        return position;
    }

    void patchU32(int position, long value) {
        putU32(position, value);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    /** Zeroes the buffer; the sink is empty afterwards. */
    void wipe() {
        Arrays.fill(buffer, (byte) 0);
        size = 0;
    }

    private void putU32(int position, long value) {
        buffer[position] = (byte) (value >>> 24);
        buffer[position + 1] = (byte) (value >>> 16);
        buffer[position + 2] = (byte) (value >>> 8);
        buffer[position + 3] = (byte) value;
    }

    private void ensure(int more) {
        long needed = (long) size + more;
        if (needed > limit) {
            throw new IllegalArgumentException("encoded bundle exceeds the limit of " + limit + " bytes");
        }
        if (needed > buffer.length) {
            byte[] bigger = Arrays.copyOf(buffer, (int) Math.min(limit, Math.max(needed, 2L * buffer.length)));
            Arrays.fill(buffer, (byte) 0); // the old copy may already hold the private key
            buffer = bigger;
        }
    }
}
