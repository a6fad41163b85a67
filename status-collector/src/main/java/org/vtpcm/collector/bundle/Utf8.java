package org.vtpcm.collector.bundle;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8. {@link String#getBytes} and {@code new String(bytes, UTF_8)} silently replace
 * what they cannot code; a canonical format must refuse it instead, so that every accepted byte
 * string decodes to exactly one value and re-encodes to the same bytes.
 */
final class Utf8 {

    private Utf8() {
    }

    /** UTF-8 length of {@code s}, or -1 if it holds an unpaired surrogate. Allocates nothing. */
    static long encodedLength(String s) {
        long length = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                length += 1;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return -1;
                }
                length += 4;
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return -1;
            } else {
                length += 3;
            }
        }
        return length;
    }

    /** Encodes a string already checked with {@link #encodedLength}. */
    static byte[] encode(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Decodes, refusing malformed input, overlong forms and encoded surrogates (the JDK decoder
     * with REPORT already refuses both, which makes the encoding canonical).
     */
    static String decode(byte[] data, int offset, int length) throws CharacterCodingException {
        if (isAscii(data, offset, length)) {
            // Fast path for the common case (names, hex, timestamps): ASCII is always canonical.
            return new String(data, offset, length, StandardCharsets.US_ASCII);
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer chars = decoder.decode(ByteBuffer.wrap(data, offset, length));
        return chars.toString();
    }

    private static boolean isAscii(byte[] data, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (data[i] < 0) {
                return false;
            }
        }
        return true;
    }
}
