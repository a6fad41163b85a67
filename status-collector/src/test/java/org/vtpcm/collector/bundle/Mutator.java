package org.vtpcm.collector.bundle;

import java.util.Arrays;
import java.util.Random;

/** Deterministic byte-level mutations for the fuzz test. */
final class Mutator {

    /** Length values that have broken parsers before: all ones, sign bit, just past limits, zero. */
    private static final long[] HUGE = {0xffff_ffffL, 0x7fff_ffffL, 0x8000_0000L, 0xffff_fff0L, 0x0100_0000L,
        0x0100_0001L, 0x00ff_ffffL, 0x7fff_fff8L, 0x0001_0000L, 0};

    private final Random random;

    Mutator(Random random) {
        this.random = random;
    }

    /** One random mutation of {@code data}; {@code lengthOffsets} are known u32 length positions to target. */
    byte[] mutate(byte[] data, byte[] other, int[] lengthOffsets) {
        return switch (random.nextInt(10)) {
            case 0, 1 -> flipBits(data);
            case 2 -> insert(data);
            case 3 -> delete(data);
            case 4 -> truncate(data);
            case 5 -> splice(data, other);
            case 6 -> overwriteLength(data, lengthOffsets[random.nextInt(lengthOffsets.length)]);
            case 7 -> overwriteLength(data, random.nextInt(Math.max(1, data.length - 3)));
            case 8 -> duplicate(data);
            default -> scribble(data);
        };
    }

    byte[] flipBits(byte[] data) {
        byte[] out = data.clone();
        if (out.length == 0) {
            return out;
        }
        int flips = 1 + random.nextInt(8);
        for (int i = 0; i < flips; i++) {
            out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return out;
    }

    byte[] insert(byte[] data) {
        int at = random.nextInt(data.length + 1);
        byte[] extra = new byte[1 + random.nextInt(16)];
        random.nextBytes(extra);
        byte[] out = new byte[data.length + extra.length];
        System.arraycopy(data, 0, out, 0, at);
        System.arraycopy(extra, 0, out, at, extra.length);
        System.arraycopy(data, at, out, at + extra.length, data.length - at);
        return out;
    }

    byte[] delete(byte[] data) {
        if (data.length == 0) {
            return data.clone();
        }
        int at = random.nextInt(data.length);
        int count = Math.min(data.length - at, 1 + random.nextInt(16));
        byte[] out = new byte[data.length - count];
        System.arraycopy(data, 0, out, 0, at);
        System.arraycopy(data, at + count, out, at, data.length - at - count);
        return out;
    }

    byte[] truncate(byte[] data) {
        return Arrays.copyOf(data, random.nextInt(Math.max(1, data.length)));
    }

    /** A prefix of one input followed by a suffix of another. */
    byte[] splice(byte[] a, byte[] b) {
        int cutA = random.nextInt(a.length + 1);
        int cutB = random.nextBoolean() ? Math.min(cutA, b.length) : random.nextInt(b.length + 1);
        byte[] out = Arrays.copyOf(a, cutA + b.length - cutB);
        System.arraycopy(b, cutB, out, cutA, b.length - cutB);
        return out;
    }

    byte[] overwriteLength(byte[] data, int offset) {
        byte[] out = data.clone();
        if (offset + 4 > out.length) {
            return out;
        }
        long value = random.nextInt(4) == 0 ? random.nextInt() & 0xffff_ffffL : HUGE[random.nextInt(HUGE.length)];
        RawBody.putU32(out, offset, value);
        return out;
    }

    byte[] duplicate(byte[] data) {
        if (data.length == 0) {
            return data.clone();
        }
        int from = random.nextInt(data.length);
        int count = Math.min(data.length - from, 1 + random.nextInt(64));
        int to = random.nextInt(data.length + 1);
        byte[] out = new byte[data.length + count];
        System.arraycopy(data, 0, out, 0, to);
        System.arraycopy(data, from, out, to, count);
        System.arraycopy(data, to, out, to + count, data.length - to);
        return out;
    }

    byte[] scribble(byte[] data) {
        byte[] out = data.clone();
        if (out.length == 0) {
            return out;
        }
        int at = random.nextInt(out.length);
        int count = Math.min(out.length - at, 1 + random.nextInt(8));
        byte fill = switch (random.nextInt(3)) {
            case 0 -> 0;
            case 1 -> (byte) 0xff;
            default -> (byte) random.nextInt();
        };
        Arrays.fill(out, at, at + count, fill);
        return out;
    }
}
