package org.vtpcm.collector.interposer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a byte stream into newline-terminated UTF-8 lines of bounded length. Once a line grows past
 * the bound before its newline, the buffer is {@link #tooLong()} for good and keeps nothing more: the
 * peer is misbehaving and its connection should end.
 */
final class LineBuffer {
    private final int maxLine;
    private byte[] pending = new byte[256];
    private int length;
    private boolean tooLong;

    LineBuffer(int maxLine) {
        if (maxLine <= 0) {
            throw new IllegalArgumentException("maxLine must be positive: " + maxLine);
        }
        this.maxLine = maxLine;
    }

    /** Adds bytes; returns the lines they completed (without '\n' or a trailing '\r'). */
    List<String> append(byte[] data, int offset, int count) {
        List<String> lines = new ArrayList<>(1);
        for (int i = offset; i < offset + count && !tooLong; i++) {
            byte b = data[i];
            if (b == '\n') {
                int end = length > 0 && pending[length - 1] == '\r' ? length - 1 : length;
                lines.add(new String(pending, 0, end, StandardCharsets.UTF_8));
                length = 0;
            } else if (length == maxLine) {
                tooLong = true;
                pending = new byte[0];
                length = 0;
            } else {
                if (length == pending.length) {
                    pending = Arrays.copyOf(pending, Math.min(maxLine, pending.length * 2));
                }
                pending[length++] = b;
            }
        }
        return lines;
    }

    /** A line exceeded the bound: nothing more is read. */
    boolean tooLong() {
        return tooLong;
    }

    /** Bytes of an incomplete line held. */
    int pendingBytes() {
        return length;
    }
}
